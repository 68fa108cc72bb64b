"""What the store knows of each currency: its ISO 4217 minor-unit exponent and the symbol pages write.

The store runs in one currency, ``settings.STORE_CURRENCY``; ``checked_store_currency`` is what the
settings module calls so that a currency the store cannot keep exactly is refused at startup.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Minor-unit exponents from ISO 4217 (the number of decimal places of an amount) for the currencies
# the store supports; a code missing here is refused rather than guessed at two places.
EXPONENTS: dict[str, int] = {
    # No minor unit.
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    # Cents.
    "AED": 2, "ARS": 2, "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2,
    "EGP": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "MXN": 2,
    "MYR": 2, "NGN": 2, "NOK": 2, "NZD": 2, "PHP": 2, "PLN": 2, "RON": 2, "SAR": 2, "SEK": 2,
    "SGD": 2, "THB": 2, "TRY": 2, "TWD": 2, "UAH": 2, "USD": 2, "ZAR": 2,
    # Thousandths.
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

SYMBOLS: dict[str, str] = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$",
    "CHF": "CHF ", "CNY": "CN¥", "KRW": "₩", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "MXN": "MX$",
    "BRL": "R$", "ILS": "₪", "PLN": "zł ", "KWD": "KD ", "BHD": "BD ",
}  # fmt: skip

# Every amount column (DecimalField(decimal_places=2) in every app) keeps this many places.
STORED_PLACES = 2


class UnknownCurrency(ValueError):
    """A currency code the store has no ISO 4217 exponent for."""


def exponent(code: str | None = None) -> int:
    """Decimal places of an amount in ``code`` (default: the store's); raises UnknownCurrency."""
    code = code or settings.STORE_CURRENCY
    try:
        return EXPONENTS[code]
    except KeyError:
        raise UnknownCurrency(f"{code!r} is not an ISO 4217 currency this store supports") from None


def currency_symbol(code: str | None = None) -> str:
    """The symbol written before an amount in ``code`` (default: the store's currency)."""
    code = code or settings.STORE_CURRENCY
    return SYMBOLS.get(code, f"{code} ")


def checked_store_currency(code: str) -> str:
    """``code`` if the store can keep its amounts exactly; raises ImproperlyConfigured otherwise."""
    try:
        places = exponent(code)
    except UnknownCurrency as error:
        raise ImproperlyConfigured(f"STORE_CURRENCY: {error}.") from None
    if places > STORED_PLACES:
        raise ImproperlyConfigured(
            f"STORE_CURRENCY: {code} has {places} decimal places but amounts are stored with "
            f"{STORED_PLACES}; this store cannot keep {code} amounts exactly."
        )
    return code
