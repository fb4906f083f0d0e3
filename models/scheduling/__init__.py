"""The job runner: scheduled-job definitions, leases/locks and run records."""
