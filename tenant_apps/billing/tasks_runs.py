"""Tasks of the billing run (see tasks.py)."""
