"""Rural workers (农村劳动力): registration, identity, and erasure."""
