"""The "Sell on the store" form and the seller's store settings form."""

from django import forms
from django.conf import settings

from sellers import selectors
from sellers.models import MAX_HANDLING_DAYS, MAX_RETURN_WINDOW_DAYS
from sellers.services import MAX_LOW_STOCK_THRESHOLD


class BecomeSellerForm(forms.Form):
    store_name = forms.CharField(label="Store name", max_length=100)
    description = forms.CharField(
        label="What do you sell?", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_email = forms.EmailField(
        label="Contact e-mail for buyers", required=False, help_text="Leave empty to use your account's e-mail."
    )

    def clean_store_name(self):
        store_name = self.cleaned_data["store_name"].strip()
        if selectors.store_name_is_taken(store_name=store_name):
            raise forms.ValidationError("Another seller already uses this store name.")
        return store_name


class StoreSettingsForm(forms.Form):
    """The seller's store settings and policies; the service checks the ranges again."""

    store_name = forms.CharField(label="Store name", max_length=100)
    description = forms.CharField(
        label="What do you sell?", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_email = forms.EmailField(label="Contact e-mail for buyers")
    low_stock_threshold = forms.IntegerField(
        label="Default low-stock alert level",
        min_value=0,
        max_value=MAX_LOW_STOCK_THRESHOLD,
        help_text="You are alerted when a product's available units fall to this level (products may set their own).",
    )
    handling_days = forms.IntegerField(
        label="Handling time (business days)",
        min_value=0,
        max_value=MAX_HANDLING_DAYS,
        help_text="Business days you take to ship a paid order; buyers' delivery estimates include them.",
    )
    return_window_days = forms.IntegerField(
        label="Return window (days after delivery)",
        required=False,
        min_value=0,
        max_value=MAX_RETURN_WINDOW_DAYS,
    )
    return_address = forms.CharField(
        label="Return address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown to the buyer once you approve a return. Empty: you send them instructions yourself.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["return_window_days"].help_text = (
            f"Leave empty for the store's default of {settings.RETURN_WINDOW_DAYS} days; "
            "0 means you do not accept returns."
        )
