"""One service per feature, built and owned by the bot (`bot.interviews`, `bot.followups`,
`bot.journal`, `bot.jobs`, `bot.user_settings`). A service is plain Python over the store, the core, the template
library and the clock: no Discord objects, so it is unit-tested without Discord. Adapters in
`bot/exts/` call services; features reach each other through service methods or bot events."""
