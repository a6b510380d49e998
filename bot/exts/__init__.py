"""Discord adapters, one feature per module. Modules starting with `_` are helpers, not
extensions."""
