"""How the store's currency is written on pages: one symbol table for every app's templates."""

from django.conf import settings

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$"}


def currency_symbol(code: str | None = None) -> str:
    """The symbol written before an amount in ``code`` (default: the store's currency)."""
    code = code or settings.STORE_CURRENCY
    return CURRENCY_SYMBOLS.get(code, f"{code} ")
