"""Performance benchmarks (issue 2, "Measured"). See benchmarks/README.md."""
