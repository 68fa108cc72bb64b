"""The "Sell on the store" form."""

from django import forms

from sellers import selectors


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
