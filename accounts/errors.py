"""Errors raised by the accounts services."""

from shop.errors import DomainError, FieldConflict, NotFound, PermissionDenied


class EmailAlreadyRegistered(FieldConflict):
    field = "email"
    default_message = "An account with this e-mail address already exists."


class AddressNotFound(NotFound):
    default_message = "No such address in your address book."


class InvalidLink(DomainError):
    """A mailed link that was forged, has expired, or was already used."""

    code = "invalid_link"
    status = 400
    title = "Invalid link"
    default_message = "This link is invalid or has expired. Ask for a new one."


class WrongPassword(FieldConflict):
    field = "password"
    default_message = "Your current password is not correct."


class TwoFactorNotAllowed(PermissionDenied):
    default_message = "Two-factor sign-in is for sellers and staff."


class OtpRequired(DomainError):
    """The account has two-factor sign-in: the request must carry the authenticator app's code."""

    code = "otp_required"
    status = 400
    title = "Code required"
    default_message = "Enter the 6-digit code from your authenticator app."


class InvalidOtp(DomainError):
    code = "invalid_otp"
    status = 401
    title = "Wrong code"
    default_message = "That code is not correct. Enter the current code from your authenticator app."
