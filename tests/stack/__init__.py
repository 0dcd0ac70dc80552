"""One live-stack harness: processes, stacks and clients for tests, benches and drills."""
