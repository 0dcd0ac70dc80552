"""Benchmark commands, run small."""
