"""Load benchmarks that start their own isolated stack on 127.0.0.1 and print figures."""
