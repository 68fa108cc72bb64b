"""Payments and refunds through a pluggable gateway (a built-in test gateway by default)."""
