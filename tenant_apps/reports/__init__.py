"""Billing and collections reports (issue 4): billing by cycle and system, collections by
period, origin and system, receivables ageing; each with a CSV export. No models."""
