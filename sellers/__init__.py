"""Seller profiles: a user who sells on the store, with their store name and defaults."""
