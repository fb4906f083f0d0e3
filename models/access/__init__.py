"""Access control: users, API tokens, the audit log, idempotency records, and the PII vault."""
