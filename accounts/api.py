"""Accounts API: register, JWT tokens (two-factor aware, rotated, revocable), password reset, the caller's
profile and address book."""

from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenObtainSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import links, selectors, services
from accounts.models import Address, User
from sellers import selectors as seller_selectors
from shop.api.throttling import ScopedRateThrottle


class AuthThrottleMixin:
    """Sign-up and sign-in share a tight per-client rate on top of the per-account lockout."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    name = serializers.CharField(max_length=150)

    def validate_email(self, value):
        if selectors.email_is_registered(email=value):
            raise serializers.ValidationError("An account with this e-mail address already exists.")
        return value

    def validate(self, attrs):
        errors = _password_errors(attrs["password"], User(email=attrs["email"], name=attrs["name"]))
        if errors:
            raise serializers.ValidationError({"password": errors})
        return attrs


def _password_errors(password: str, user: User) -> list[str]:
    """Why Django's password validators refuse ``password`` for ``user`` (empty: acceptable)."""
    try:
        validate_password(password, user=user)
    except Exception as exc:  # django.core.exceptions.ValidationError
        return list(getattr(exc, "messages", [str(exc)]))
    return []


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name"]
        read_only_fields = ["id", "email"]


class RegisterView(AuthThrottleMixin, GenericAPIView):
    serializer_class = RegisterSerializer

    @extend_schema(responses={201: UserSerializer}, summary="Create a buyer account")
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.register_user(**serializer.validated_data)
        services.send_verification(user=user, site_url=links.site_root(request))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenSerializer(TokenObtainPairSerializer):
    otp = serializers.CharField(
        required=False,
        write_only=True,
        max_length=12,
        help_text="The 6-digit code of the account's authenticator app; required once two-factor sign-in is on.",
    )

    def validate(self, attrs):
        TokenObtainSerializer.validate(self, attrs)  # the password (and django-axes); sets self.user
        services.check_two_factor(user=self.user, code=attrs.get("otp"))
        refresh = self.get_token(self.user)  # issued only once every factor passed
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, self.user)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Access JWT: send as `Authorization: Bearer …`; lives minutes.")
    refresh = serializers.CharField(help_text="Refresh JWT: exchange at /auth/token/refresh; single use.")


class TokenView(AuthThrottleMixin, TokenObtainPairView):
    """Exchange e-mail and password (and ``otp`` for two-factor accounts) for an access and a refresh JWT."""

    serializer_class = TokenSerializer
    problem_responses = {
        400: "A two-factor account sent no otp (otp_required), or invalid input (validation_error).",
        401: "Wrong e-mail or password (authentication_failed), or wrong otp (invalid_otp).",
        429: "Too many attempts (throttled or too_many_login_attempts).",
    }

    @extend_schema(responses={200: TokenPairSerializer}, summary="Sign in: get an access and a refresh token")
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class TokenRefresh(AuthThrottleMixin, TokenRefreshView):
    """Exchange a refresh JWT for a new access JWT and a new refresh JWT; the one sent is revoked."""

    problem_responses = {401: "Invalid, expired or revoked refresh token (authentication_failed)."}


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="The refresh JWT to revoke.")


class LogoutView(AuthThrottleMixin, GenericAPIView):
    """Sign a mobile client out: revoke its refresh JWT (its access JWT lapses within minutes)."""

    serializer_class = LogoutSerializer
    problem_responses = {400: "The refresh token is invalid, expired or already revoked (validation_error)."}

    @extend_schema(responses={204: None}, summary="Sign out: revoke a refresh token")
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError:
            raise serializers.ValidationError(
                {"refresh": ["This token is invalid, expired or already revoked."]}
            ) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(GenericAPIView):
    """Sign the caller out of every app: revoke all their refresh JWTs."""

    serializer_class = None

    @extend_schema(request=None, responses={204: None}, summary="Sign out everywhere: revoke every refresh token")
    def post(self, request):
        services.revoke_refresh_tokens(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetView(AuthThrottleMixin, GenericAPIView):
    """Mail a password-reset link if an account has the address: 202 whether it has or not."""

    serializer_class = PasswordResetSerializer

    @extend_schema(responses={202: None}, summary="Forgot password: mail a reset link")
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.request_password_reset(email=serializer.validated_data["email"], site_url=links.site_root(request))
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="The uidb64 part of the mailed link.")
    token = serializers.CharField(max_length=128, help_text="The token part of the mailed link.")
    new_password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})

    def validate(self, attrs):
        attrs["user"] = links.user_for_reset(attrs["uid"], attrs["token"])
        errors = _password_errors(attrs["new_password"], attrs["user"])
        if errors:
            raise serializers.ValidationError({"new_password": errors})
        return attrs


class PasswordResetConfirmView(AuthThrottleMixin, GenericAPIView):
    """Set a new password with the uid and token of a reset link; every session and refresh token ends."""

    serializer_class = PasswordResetConfirmSerializer
    problem_responses = {400: "The link is invalid or expired (invalid_link), or a weak password (validation_error)."}

    @extend_schema(responses={204: None}, summary="Set a new password from a reset link")
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.set_password(user=data["user"], password=data["new_password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerSummarySerializer(serializers.Serializer):
    """Which store the user runs; the full profile is the sellers API's."""

    id = serializers.IntegerField()
    store_name = serializers.CharField()
    slug = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    is_seller = serializers.SerializerMethodField()
    seller = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "email_verified", "name", "is_seller", "seller", "date_joined"]
        read_only_fields = ["id", "email", "email_verified", "date_joined"]

    def get_is_seller(self, user) -> bool:
        return self.context["seller"] is not None

    @extend_schema_field(SellerSummarySerializer(allow_null=True))
    def get_seller(self, user):
        seller = self.context["seller"]
        return SellerSummarySerializer(seller).data if seller else None


class MeView(GenericAPIView):
    """The signed-in user's profile; PATCH changes the name."""

    serializer_class = MeSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["seller"] = seller_selectors.seller_for_user(user=self.request.user)
        return context

    def get(self, request):
        return Response(self.get_serializer(request.user).data)

    def patch(self, request):
        serializer = self.get_serializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "name" in serializer.validated_data:
            services.update_profile(user=request.user, name=serializer.validated_data["name"])
        return Response(self.get_serializer(request.user).data)


class AddressSerializer(serializers.ModelSerializer):
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        max_length=2,
        help_text="ISO 3166-1 alpha-2 code, e.g. US.",
        error_messages={"invalid": "Use the two-letter country code, e.g. US."},
    )

    class Meta:
        model = Address
        fields = ["id", "name", "line1", "line2", "city", "region", "postal_code", "country", "phone", "is_default"]
        read_only_fields = ["id"]


class AddressListView(ListAPIView):
    """The caller's address book (GET), or add an address to it (POST)."""

    serializer_class = AddressSerializer
    list_key = "addresses"

    def get_queryset(self):
        return selectors.addresses_for(user=self.request.user)

    @extend_schema(responses={201: AddressSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = services.add_address(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(address).data, status=status.HTTP_201_CREATED)


class AddressDetailView(GenericAPIView):
    """One address of the caller's; anybody else's is a 404."""

    serializer_class = AddressSerializer

    def get(self, request, address_id: int):
        address = selectors.address_for_owner(user=request.user, address_id=address_id)
        return Response(self.get_serializer(address).data)

    def put(self, request, address_id: int):
        return self._update(request, address_id, partial=False)

    def patch(self, request, address_id: int):
        return self._update(request, address_id, partial=True)

    def _update(self, request, address_id: int, *, partial: bool):
        address = selectors.address_for_owner(user=request.user, address_id=address_id)
        serializer = self.get_serializer(address, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        address = services.update_address(user=request.user, address_id=address.pk, **serializer.validated_data)
        return Response(self.get_serializer(address).data)

    @extend_schema(responses={204: None})
    def delete(self, request, address_id: int):
        services.delete_address(user=request.user, address_id=address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
