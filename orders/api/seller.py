"""Orders API for sellers: the seller's sold lines, and the returns of their items to approve, reject or receive."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from orders import selectors, services
from orders.api.presenters import (
    ReceiveAnswerSerializer,
    ReturnEnvelopeSerializer,
    ReturnSerializer,
    SellerLineSerializer,
    render_refund_outcome,
    render_return,
    render_seller_line,
)
from orders.models import ReturnRequest
from sellers import selectors as seller_selectors


class SellerOrderListView(GenericAPIView):
    """The lines of paid orders that are the calling seller's products, newest order first."""

    serializer_class = SellerLineSerializer
    list_key = "lines"
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(
        operation_id="seller_orders_list", summary="Your sold items", responses={200: SellerLineSerializer(many=True)}
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.lines_for_seller(seller=seller_selectors.seller_of(user=request.user)))
        return self.get_paginated_response([render_seller_line(line) for line in page])


class SellerReturnListView(GenericAPIView):
    """Return requests for the calling seller's items, newest first."""

    serializer_class = ReturnSerializer
    list_key = "returns"
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(
        operation_id="seller_returns_list",
        summary="Returns of your items",
        responses={200: ReturnSerializer(many=True)},
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        page = self.paginate_queryset(selectors.returns_for_seller(seller=seller))
        return self.get_paginated_response([render_return(ret) for ret in page])


class _SellerReturnActionView(GenericAPIView):
    """A seller's step on one return of their items; the answer shows the return as the seller now sees it."""

    pagination_class = None
    problem_responses = {
        403: "The caller is not a seller (permission_denied).",
        404: "No such return of the caller's items (not_found).",
        409: "Not possible in the return's state (illegal_transition).",
    }

    def answer(self, ret: ReturnRequest, **extra) -> Response:
        """``{"return": ...}`` read back for the calling seller, then ``extra`` members."""
        seller = seller_selectors.seller_of(user=self.request.user)
        ret = selectors.return_for_seller(seller=seller, return_id=ret.pk)
        return Response({"return": render_return(ret), **extra})


class SellerReturnApproveView(_SellerReturnActionView):
    """Accept a return: the answer carries the return code the buyer writes on the parcel."""

    serializer_class = ReturnEnvelopeSerializer

    @extend_schema(operation_id="seller_returns_approve", summary="Approve a return", request=None)
    def post(self, request, return_id: str):
        return self.answer(services.approve_return(user=request.user, return_id=return_id))


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class SellerReturnRejectView(_SellerReturnActionView):
    """Refuse a return, saying why."""

    serializer_class = RejectSerializer

    @extend_schema(
        operation_id="seller_returns_reject", summary="Reject a return", responses={200: ReturnEnvelopeSerializer}
    )
    def post(self, request, return_id: str):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ret = services.reject_return(user=request.user, return_id=return_id, reason=serializer.validated_data["reason"])
        return self.answer(ret)


class ReceiveSerializer(serializers.Serializer):
    resellable = serializers.BooleanField(help_text="Whether the units can go back on sale.")


class SellerReturnReceiveView(_SellerReturnActionView):
    """The parcel arrived: resellable units go back on sale and the buyer is refunded."""

    serializer_class = ReceiveSerializer

    @extend_schema(
        operation_id="seller_returns_receive", summary="Receive a return", responses={200: ReceiveAnswerSerializer}
    )
    def post(self, request, return_id: str):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.receive_return(
            user=request.user, return_id=return_id, resellable=serializer.validated_data["resellable"]
        )
        refund = result.refund
        return self.answer(
            result.return_request,
            refund=None if refund is None else render_refund_outcome(amount=refund.amount, status=refund.status),
        )
