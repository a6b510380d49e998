"""The interview domain: pure logic with no Discord, no SQL and no I/O of its own."""
