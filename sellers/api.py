"""Sellers API: a signed-in user becomes a seller."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from sellers import selectors, services
from sellers.errors import AlreadySeller


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
    created_at = serializers.DateTimeField()


class SellerCreateView(GenericAPIView):
    """Become a seller. 409 ``already_seller`` if the caller already is one."""

    serializer_class = BecomeSellerSerializer
    problem_responses = {409: "The caller is already a seller (already_seller)."}

    @extend_schema(responses={201: SellerProfileSerializer})
    def post(self, request):
        if selectors.seller_for_user(user=request.user) is not None:
            raise AlreadySeller()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seller = services.become_seller(user=request.user, **serializer.validated_data)
        return Response(SellerProfileSerializer(seller).data, status=status.HTTP_201_CREATED)
