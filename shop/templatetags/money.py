"""The ``|money`` template filter, a builtin of every template (settings TEMPLATES 'builtins')."""

from decimal import Decimal, InvalidOperation

from django import template

from shop.money import format_money, places

register = template.Library()


@register.filter(name="money")
def money(amount: Decimal | int | str | None, currency: str | None = None) -> str:
    """``{{ order.total|money }}`` → ``$1,234.50``; ``|money:order.currency`` for another currency; "" for none."""
    if amount is None or amount == "":
        return ""
    try:
        return format_money(amount, currency=currency or None)
    except (InvalidOperation, ValueError):
        return ""


@register.filter(name="currency_places")
def currency_places(currency: str | None = None) -> int:
    """Decimal places of ``currency`` (default: the store's), for scripts that write amounts."""
    return places(currency or None)
