"""``{% product_cards products %}``: a row or grid's cards from the card cache (shop/fragments.py)."""

from django import template

from shop.fragments import render_cards

register = template.Library()


@register.simple_tag
def product_cards(products):
    return render_cards(products or ())
