"""Money: the store's one rounding rule, an amount's places per currency, and how amounts are written.

An amount is a ``Decimal`` (never a float). Every amount the store computes goes through ``quantize``:
half a minor unit rounds up (``ROUND_HALF_UP``, away from zero), to the currency's ISO 4217 exponent
(JPY 0, USD 2, KWD 3; see ``shop.currency``). ``to_str`` writes the API's decimal strings and
``format_money`` (the ``|money`` template filter) the pages' "$1,234.50".

Storage: every amount column is ``DecimalField(decimal_places=2)``. A currency with fewer places
(JPY) is quantized to whole units and stored as ``1200.00``; one with more (KWD, BHD, ...) could not
be kept exactly, so the settings refuse it as ``STORE_CURRENCY`` at startup (ImproperlyConfigured)
instead of silently dropping the third digit. Supporting those means widening every amount column.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

from shop.currency import currency_symbol, exponent

ROUNDING = ROUND_HALF_UP

Amount = Decimal | int | str


def places(currency: str | None = None) -> int:
    """Decimal places of an amount in ``currency`` (default: the store's); raises UnknownCurrency."""
    return exponent(currency)


def quantize(amount: Amount, *, currency: str | None = None) -> Decimal:
    """``amount`` rounded half up to the places of ``currency`` (default: the store's)."""
    # str() first so a stray float rounds as written, not as its binary approximation.
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return value.quantize(minor_unit(currency), rounding=ROUNDING)


def to_str(amount: Amount, *, currency: str | None = None) -> str:
    """The API's decimal string for ``amount``: ``"19.99"`` in USD, ``"1200"`` in JPY."""
    return str(quantize(amount, currency=currency))


def commission(amount: Amount, rate: Amount, *, currency: str | None = None) -> Decimal:
    """The platform's commission on ``amount`` at ``rate`` (a fraction, ``0.12``), rounded once by the store's
    rule: what an order line keeps from the moment it is placed."""
    return quantize(Decimal(str(amount)) * Decimal(str(rate)), currency=currency)


def minor_unit(currency: str | None = None) -> Decimal:
    """The smallest amount of ``currency`` (default: the store's): ``0.01`` in USD, ``1`` in JPY."""
    return Decimal(1).scaleb(-places(currency))


def format_money(amount: Amount, *, currency: str | None = None, trim_whole: bool = False) -> str:
    """``amount`` as pages write it: symbol, thousands grouped, the currency's places (``"$1,234.50"``).

    ``trim_whole`` writes a whole amount without its zero decimals (``"$25"``), as labels do.
    """
    value = quantize(amount, currency=currency)
    decimals = 0 if trim_whole and value == value.to_integral_value() else places(currency)
    number = number_format(abs(value), decimal_pos=decimals, force_grouping=True)
    return f"{'-' if value < 0 else ''}{currency_symbol(currency)}{number}"
