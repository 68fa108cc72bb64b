"""Storefront forms of the purchase flow: the checkout form (address and delivery) and the payment form."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from orders.models import ReturnRequest
from shop.countries import CountryField
from shop.forms import DateRangeForm

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


def _address_input(
    label: str, *, max_length: int, autocomplete: str, widget_attrs: dict | None = None, **options
) -> forms.CharField:
    """A new-address input: optional to the form, since clean() requires the needed ones only for a new address."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, **(widget_attrs or {})}),
        **options,
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
    name = _address_input("Full name", max_length=150, autocomplete="name")
    line1 = _address_input("Address line 1", max_length=200, autocomplete="address-line1")
    line2 = _address_input("Address line 2", max_length=200, autocomplete="address-line2")
    city = _address_input("City", max_length=100, autocomplete="address-level2")
    region = _address_input("State / region", max_length=100, autocomplete="address-level1")
    postal_code = _address_input("Postal code", max_length=20, autocomplete="postal-code")
    country = CountryField(required=False)
    phone = _address_input("Phone", max_length=32, autocomplete="tel", widget_attrs={"type": "tel"})
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("address") != NEW_ADDRESS:
            return cleaned
        for field in REQUIRED_ADDRESS_FIELDS:
            if not (cleaned.get(field) or "").strip() and field not in self.errors:
                self.add_error(field, "This field is required for a new address.")
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


# --- After the purchase: the orders list filter, cancel and return flows, the seller's forms -----------

CANCEL_REASONS = (
    ("changed_mind", "I changed my mind"),
    ("ordered_by_mistake", "I ordered it by mistake"),
    ("found_cheaper", "I found it cheaper elsewhere"),
    ("too_slow", "It would arrive too late"),
    ("other", "Another reason"),
)
RETURN_REASONS = (
    ("doesnt_fit", "It does not fit"),
    ("not_as_described", "It is not as described"),
    ("damaged", "It arrived damaged or faulty"),
    ("wrong_item", "I received the wrong item"),
    ("no_longer_needed", "I no longer need it"),
    ("other", "Another reason"),
)
DETAILS_MAX = 400


class OrderFilterForm(DateRangeForm):
    """The date range of "Your orders": both ends optional and inclusive."""


class SellerReturnFilterForm(OrderFilterForm):
    """The filters of the seller's returns page: status and the date range of the request."""

    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All"), *ReturnRequest.Status.choices])
    field_order = ("status", "start", "end")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].label = "Requested from"
        self.fields["end"].label = "Requested to"


class _ReasonForm(forms.Form):
    """A reason picked from a list, with optional words of the buyer's own; ``reason_text`` joins them."""

    REASONS: tuple = ()
    reason = forms.ChoiceField(
        label="Reason", widget=forms.RadioSelect, error_messages={"required": "Choose a reason."}
    )
    details = forms.CharField(
        label="Anything else we should know?",
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = list(self.REASONS)
        self.fields["reason"].error_messages["invalid_choice"] = "Choose one of the reasons shown."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == "other" and not (cleaned.get("details") or "").strip():
            self.add_error("details", "Tell us the reason in a few words.")
        return cleaned

    @property
    def reason_text(self) -> str:
        label = dict(self.REASONS)[self.cleaned_data["reason"]]
        details = (self.cleaned_data.get("details") or "").strip()
        return f"{label}: {details}" if details else label


class CancelItemForm(_ReasonForm):
    REASONS = CANCEL_REASONS


class ReturnItemForm(_ReasonForm):
    REASONS = RETURN_REASONS
    quantity = forms.IntegerField(
        label="How many?",
        min_value=1,
        error_messages={"required": "Say how many you are returning.", "min_value": "Return at least one."},
    )
    field_order = ("quantity", "reason", "details")

    def __init__(self, *args, returnable: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.returnable = returnable
        self.fields["quantity"].widget.attrs.update({"min": 1, "max": returnable, "inputmode": "numeric"})
        self.fields["quantity"].help_text = f"Up to {returnable}."
        self.initial.setdefault("quantity", 1)

    def clean_quantity(self) -> int:
        quantity = self.cleaned_data["quantity"]
        if quantity > self.returnable:
            raise forms.ValidationError(f"You can return at most {self.returnable} of this item.")
        return quantity


class RejectReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why are you rejecting this return?",
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Tell the buyer why the return is rejected."},
    )


class ReceiveReturnForm(forms.Form):
    resellable = forms.TypedChoiceField(
        label="Condition of the returned item",
        choices=(("yes", "Resellable: put it back in stock"), ("no", "Not resellable: keep it out of stock")),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the item can be sold again."},
    )
