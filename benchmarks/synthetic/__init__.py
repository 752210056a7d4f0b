"""A synthetic tenant app for benchmarks/schema_size.py: N tables made by N migrations.

Its migrations are generated (benchmarks/schema_size.py writes them into migrations/, which is
not committed); it is installed only by benchmarks.settings_synthetic.
"""
