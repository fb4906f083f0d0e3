"""The domain: one package per domain (tables, use cases, rules, scheduled jobs) and the
shared infrastructure packages (db, reference, access, scheduling). See docs/architecture.md."""
