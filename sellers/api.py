"""Sellers API: a signed-in user becomes a seller; a seller reads and changes their store's settings and
policies (handling time, return window, return address)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from sellers import selectors, services
from sellers.errors import AlreadySeller
from sellers.models import MAX_HANDLING_DAYS, MAX_RETURN_WINDOW_DAYS


class BecomeSellerSerializer(serializers.Serializer):
    store_name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    contact_email = serializers.EmailField(required=False, help_text="Defaults to the account's e-mail.")
    low_stock_threshold = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)

    def validate_store_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        if selectors.store_name_is_taken(store_name=value):
            raise serializers.ValidationError("Another seller already uses this store name.")
        return value


class SellerProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    store_name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    contact_email = serializers.EmailField()
    low_stock_threshold = serializers.IntegerField()
    handling_days = serializers.IntegerField(help_text="Business days to ship a paid order; ETAs include them.")
    return_window_days = serializers.IntegerField(
        allow_null=True, help_text="Days after delivery returns are accepted; null: the store's default; 0: none."
    )
    return_window = serializers.IntegerField(help_text="The window in force: return_window_days or the default.")
    return_address = serializers.CharField(help_text="Shown to buyers once a return is approved; may be empty.")
    created_at = serializers.DateTimeField()


class StoreSettingsSerializer(serializers.Serializer):
    """What a seller may change (PATCH: any subset); the slug stays."""

    store_name = serializers.CharField(max_length=100)
    description = serializers.CharField(allow_blank=True, max_length=5000)
    contact_email = serializers.EmailField()
    low_stock_threshold = serializers.IntegerField(min_value=0, max_value=services.MAX_LOW_STOCK_THRESHOLD)
    handling_days = serializers.IntegerField(min_value=0, max_value=MAX_HANDLING_DAYS)
    return_window_days = serializers.IntegerField(
        allow_null=True,
        min_value=0,
        max_value=MAX_RETURN_WINDOW_DAYS,
        help_text="null: the store's default window; 0: no returns.",
    )
    return_address = serializers.CharField(allow_blank=True, max_length=1000)

    def validate_store_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value


class SellerCreateView(GenericAPIView):
    """Become a seller. 409 ``already_seller`` if the caller already is one."""

    serializer_class = BecomeSellerSerializer
    problem_responses = {
        403: "The caller has not confirmed their e-mail address (email_not_verified).",
        409: "The caller is already a seller (already_seller).",
    }

    @extend_schema(responses={201: SellerProfileSerializer})
    def post(self, request):
        if selectors.seller_for_user(user=request.user) is not None:
            raise AlreadySeller()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seller = services.become_seller(user=request.user, **serializer.validated_data)
        return Response(SellerProfileSerializer(seller).data, status=status.HTTP_201_CREATED)


class SellerProfileView(GenericAPIView):
    """The calling seller's store: GET reads it, PATCH changes any of its settings and policies (all or
    nothing: a field out of range is a 400 validation_error naming it, and nothing changes)."""

    serializer_class = StoreSettingsSerializer
    pagination_class = None
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(
        operation_id="seller_profile_retrieve", summary="Your store", responses={200: SellerProfileSerializer}
    )
    def get(self, request):
        return Response(SellerProfileSerializer(selectors.seller_of(user=request.user)).data)

    @extend_schema(
        operation_id="seller_profile_update",
        summary="Change your store's settings and policies",
        responses={200: SellerProfileSerializer},
    )
    def patch(self, request):
        seller = selectors.seller_of(user=request.user)
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        seller = services.update_store(seller=seller, **serializer.validated_data)
        return Response(SellerProfileSerializer(seller).data)
