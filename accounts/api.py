"""Accounts API: register, JWT tokens, the caller's profile and address book."""

from django.contrib.auth.password_validation import validate_password
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import selectors, services
from accounts.models import Address, User
from sellers import selectors as seller_selectors


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
        candidate = User(email=attrs["email"], name=attrs["name"])
        try:
            validate_password(attrs["password"], user=candidate)
        except Exception as exc:  # django.core.exceptions.ValidationError
            raise serializers.ValidationError({"password": list(getattr(exc, "messages", [str(exc)]))}) from None
        return attrs


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
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(AuthThrottleMixin, TokenObtainPairView):
    """Exchange e-mail and password for an access and a refresh JWT (401 on wrong credentials)."""

    problem_responses = {
        401: "Wrong e-mail or password (authentication_failed).",
        429: "Too many attempts (throttled or too_many_login_attempts).",
    }


class TokenRefresh(AuthThrottleMixin, TokenRefreshView):
    """Exchange a refresh JWT for a new access JWT."""

    problem_responses = {401: "Invalid or expired refresh token (authentication_failed)."}


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
        fields = ["id", "email", "name", "is_seller", "seller", "date_joined"]
        read_only_fields = ["id", "email", "date_joined"]

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
