"""Storefront forms of the cart: add to cart (product page) and a line's quantity (cart page)."""

from django import forms

from cart import services


class AddToCartForm(forms.Form):
    sku = forms.CharField(max_length=64, required=False)
    quantity = forms.IntegerField(min_value=1, max_value=services.MAX_LINE_QUANTITY, initial=1)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=0, max_value=services.MAX_LINE_QUANTITY)


def first_error(form: forms.Form) -> str:
    """The first error of a form, as one line for a message."""
    for name, errors in form.errors.items():
        if name in form.fields:
            return f"{form.fields[name].label or name.capitalize()}: {errors[0]}"
        return errors[0]
    return "Please check the form."
