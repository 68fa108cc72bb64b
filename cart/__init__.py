"""One server-side cart per user on every device; guest carts merged at sign-in."""
