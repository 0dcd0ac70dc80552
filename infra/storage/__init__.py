"""Storage: writes that survive transient S3 failures, and the S3 backend."""
