"""Provisioning: S3 buckets and Redis settings, the env file, the check_infra checks."""
