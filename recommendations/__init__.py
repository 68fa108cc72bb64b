"""Recommendations: "customers who bought this also bought", learned from paid orders."""
