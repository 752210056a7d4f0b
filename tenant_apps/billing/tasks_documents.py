"""Tasks of invoice documents: PDFs (see tasks.py)."""
