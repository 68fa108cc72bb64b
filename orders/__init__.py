"""Checkout, orders and their lifecycle: history, cancellations and returns."""
