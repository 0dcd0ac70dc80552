"""HTTP plumbing shared by every app: JSON errors, middleware, throttling, allowed hosts."""
