"""Users (e-mail as login name), sign-up and sign-in, JWT tokens and the address book."""
