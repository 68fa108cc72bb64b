"""Storefront forms for signing up, signing in, recovering and securing an account, and the address book."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password

from accounts import selectors
from accounts.models import Address, User
from shop.countries import CountryField


class SignUpForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; not entirely numeric or too common.",
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        if selectors.email_is_registered(email=email):
            raise forms.ValidationError("An account with this e-mail address already exists.")
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("email"):
            candidate = User(email=cleaned["email"], name=cleaned.get("name", ""))
            try:
                validate_password(cleaned["password"], user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": "That e-mail and password do not match an account.",
        "inactive": "This account is disabled.",
    }


class EmailForm(forms.Form):
    """ "Forgot your password?": the address to send the reset link to."""

    email = forms.EmailField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class CodeForm(forms.Form):
    """A 6-digit code from an authenticator app (two-factor sign-in)."""

    code = forms.RegexField(
        r"^\s*\d{6}\s*$",
        label="6-digit code",
        max_length=12,
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ChangeEmailForm(forms.Form):
    """A new sign-in address, confirmed with the current password; it applies once its link is opened."""

    email = forms.EmailField(
        label="New e-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Current password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your current password is not correct.")
        return password


class AddressForm(forms.ModelForm):
    country = CountryField()

    class Meta:
        model = Address
        fields = ["name", "line1", "line2", "city", "region", "postal_code", "country", "phone", "is_default"]
        labels = {
            "name": "Full name",
            "line1": "Address line 1",
            "line2": "Address line 2",
            "region": "State / region",
            "postal_code": "Postal code",
            "is_default": "Use as my default address",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }


__all__ = [
    "AddressForm",
    "ChangeEmailForm",
    "CodeForm",
    "EmailForm",
    "SignInForm",
    "SignUpForm",
    "password_validators_help_texts",
]
