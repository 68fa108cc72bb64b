"""Storefront forms of the purchase flow: the checkout form (address and delivery) and the payment form."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

NEW_ADDRESS = "new"
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")

# The built-in test gateway's tokens, as the payment form offers them: token, label, what happens.
TEST_CARDS = (
    ("tok_visa", "Visa — succeeds", "Visa ending 4242. The payment goes through at once."),
    ("tok_chargeDeclined", "Declined card", "Visa ending 0002. The bank declines it, so you can try another card."),
    (
        "tok_async",
        "Async (3-D Secure-like)",
        "The bank confirms it a few seconds later; this page then updates by itself.",
    ),
)


class CheckoutForm(forms.Form):
    """Where to ship (an address from the book, or a new one, optionally saved) and how fast."""

    address = forms.ChoiceField(
        label="Ship to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where to ship your order.",
            "invalid_choice": "That address is not in your address book. Choose one of those shown.",
        },
    )
    name = forms.CharField(
        label="Full name", max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    line1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        label="Address line 2",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="City", max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    region = forms.CharField(
        label="State / region",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(
        label="Postal code",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.CharField(
        label="Country code",
        max_length=2,
        required=False,
        help_text="Two letters, e.g. US.",
        error_messages={"max_length": "Use the two-letter country code, e.g. US."},
        widget=forms.TextInput(attrs={"autocomplete": "country", "placeholder": "US", "size": 4}),
    )
    phone = forms.CharField(
        label="Phone",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    save_address = forms.BooleanField(label="Save this address to my address book", required=False)
    shipping_method = forms.ChoiceField(
        label="Delivery",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a shipping method.",
            "invalid_choice": "Choose one of the shipping methods shown.",
        },
    )

    def __init__(self, *args, addresses: Sequence, shipping_codes: Sequence[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address"].choices = [(str(a.pk), str(a)) for a in addresses] + [(NEW_ADDRESS, "A new address")]
        self.fields["shipping_method"].choices = [(code, code) for code in shipping_codes]
        if not self.is_bound:
            self.initial.setdefault("address", str(addresses[0].pk) if addresses else NEW_ADDRESS)
            if shipping_codes:
                self.initial.setdefault("shipping_method", shipping_codes[0])
        # The new-address fields are required only when a new address is chosen (see clean()), so the
        # page marks the others "(optional)"; with no book to choose from, the inputs say so too.
        for field in REQUIRED_ADDRESS_FIELDS:
            self.fields[field].needed_for_new_address = True
            if not addresses:
                self.fields[field].widget.attrs["aria-required"] = "true"

    @property
    def wants_new_address(self) -> bool:
        return self.value_of("address") == NEW_ADDRESS

    def value_of(self, name: str) -> str:
        """The chosen value of a field as the page should show it: posted, else initial."""
        if self.is_bound:
            return str(self.data.get(name) or "")
        return str(self.initial.get(name) or "")

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("address") != NEW_ADDRESS:
            return cleaned
        for field in REQUIRED_ADDRESS_FIELDS:
            if not (cleaned.get(field) or "").strip() and field not in self.errors:
                self.add_error(field, "This field is required for a new address.")
        country = cleaned.get("country") or ""
        if country and (len(country) != 2 or not country.isalpha()) and "country" not in self.errors:
            self.add_error("country", "Use the two-letter country code, e.g. US.")
        return cleaned

    @property
    def address_id(self) -> int | None:
        choice = self.cleaned_data["address"]
        return None if choice == NEW_ADDRESS else int(choice)

    @property
    def new_address(self) -> dict[str, str] | None:
        if self.cleaned_data["address"] != NEW_ADDRESS:
            return None
        return {field: self.cleaned_data.get(field, "").strip() for field in ADDRESS_FIELDS}

    @property
    def new_address_fields(self) -> list:
        return [self[field] for field in ADDRESS_FIELDS]


class PayForm(forms.Form):
    """Which test card to pay with (the built-in test gateway's tokens)."""

    payment_token = forms.ChoiceField(
        label="Test card",
        choices=[(token, label) for token, label, _ in TEST_CARDS],
        initial="tok_visa",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a card to pay with.", "invalid_choice": "Choose one of the cards shown."},
    )
