"""Benchmarks: scenarios that measure the platform, results written as JSON (see docs/benchmarks.md)."""
