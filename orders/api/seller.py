"""Orders API for sellers: the seller's sold lines, the returns of their items to approve, reject or receive, and
their sales figures."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from orders import selectors, services, stats
from orders.api.presenters import (
    ReceiveAnswerSerializer,
    ReturnEnvelopeSerializer,
    ReturnSerializer,
    SellerLineSerializer,
    render_refund_outcome,
    render_return,
    render_seller_line,
)
from orders.models import OrderLine, ReturnRequest
from sellers import selectors as seller_selectors
from shop.api.fields import MoneyField
from shop.db_router import reads_from_replica
from shop.money import to_str


def _date_range_query(name: str, *, status_choices, status_help: str, date_help: str) -> type[serializers.Serializer]:
    """The query of a seller list: ``status``, and ``from``/``to`` (inclusive dates, store time; ``from``
    is a keyword, hence the serializer is built rather than declared)."""

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["Must be on or after from."]})
        return attrs

    return type(
        name,
        (serializers.Serializer,),
        {
            "status": serializers.ChoiceField(choices=status_choices, required=False, help_text=status_help),
            "from": serializers.DateField(required=False, help_text=f"{date_help} on or after this day (YYYY-MM-DD)."),
            "to": serializers.DateField(required=False, help_text=f"{date_help} on or before this day (YYYY-MM-DD)."),
            "validate": validate,
        },
    )


SellerOrderListQuery = _date_range_query(
    "SellerOrderListQuery",
    status_choices=OrderLine.Status.choices,
    status_help="Only lines in this status.",
    date_help="Only lines of orders placed",
)
SellerReturnListQuery = _date_range_query(
    "SellerReturnListQuery",
    status_choices=ReturnRequest.Status.choices,
    status_help="Only returns in this status.",
    date_help="Only returns requested",
)


def _filters(query_class, request) -> dict:
    """The list's validated filters as selector arguments (a malformed one is a 400 validation_error)."""
    query = query_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return {"status": data.get("status"), "start_date": data.get("from"), "end_date": data.get("to")}


class SellerOrderListView(GenericAPIView):
    """The lines of paid orders that are the calling seller's products, newest order first; ``?status=``,
    ``?from=`` and ``?to=`` filter them."""

    serializer_class = SellerLineSerializer
    list_key = "lines"
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(
        operation_id="seller_orders_list",
        summary="Your sold items",
        parameters=[SellerOrderListQuery],
        responses={200: SellerLineSerializer(many=True)},
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        lines = selectors.lines_for_seller(seller=seller, **_filters(SellerOrderListQuery, request))
        page = self.paginate_queryset(lines)
        return self.get_paginated_response([render_seller_line(line) for line in page])


class SellerReturnListView(GenericAPIView):
    """Return requests for the calling seller's items, newest first; ``?status=``, ``?from=`` and ``?to=``
    filter them."""

    serializer_class = ReturnSerializer
    list_key = "returns"
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(
        operation_id="seller_returns_list",
        summary="Returns of your items",
        parameters=[SellerReturnListQuery],
        responses={200: ReturnSerializer(many=True)},
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        returns = selectors.returns_for_seller(seller=seller, **_filters(SellerReturnListQuery, request))
        page = self.paginate_queryset(returns)
        return self.get_paginated_response([render_return(ret) for ret in page])


class _SellerReturnActionView(GenericAPIView):
    """A seller's step on one return of their items; the answer shows the return as the seller now sees it."""

    pagination_class = None
    problem_responses = {
        403: "The caller is not a seller (permission_denied).",
        404: "No such return of the caller's items (not_found).",
        409: "Not possible in the return's state (illegal_transition).",
    }

    def initial(self, request, *args, **kwargs):
        """Who asks is checked before what they send: a buyer is told 403, not how to fill the form."""
        super().initial(request, *args, **kwargs)
        seller_selectors.seller_of(user=request.user)

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


# --- The seller's figures -------------------------------------------------------------------------------------


class StatsQuery(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=stats.MAX_DAYS, default=stats.DEFAULT_DAYS, help_text="The period: the last N days."
    )


class StatsPeriodSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    start = serializers.DateField(help_text="First day of the period (store time), inclusive.")
    end = serializers.DateField(help_text="Last day of the period (today), inclusive.")


class StatsTotalsSerializer(serializers.Serializer):
    revenue = MoneyField(help_text="Unit price times units sold, less units returned; cancelled items count nothing.")
    orders = serializers.IntegerField(help_text="Paid orders with at least one of your items not cancelled.")
    units = serializers.IntegerField(help_text="Units sold, less units returned.")
    returns = serializers.IntegerField(help_text="Units received back by returns.")


class StatsDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    revenue = MoneyField()
    orders = serializers.IntegerField()


class StatsTopProductSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    name = serializers.CharField(help_text="The name it was last sold under.")
    units = serializers.IntegerField()
    revenue = MoneyField()


class SellerStatsSerializer(serializers.Serializer):
    period = StatsPeriodSerializer()
    totals = StatsTotalsSerializer()
    previous = StatsTotalsSerializer(help_text="The same figures for the period of the same length just before.")
    series = StatsDaySerializer(many=True, help_text="Every day of the period, oldest first, zeros included.")
    top_products = StatsTopProductSerializer(many=True, help_text="Up to 5, by revenue.")
    currency = serializers.CharField()


def _render_totals(totals: stats.Totals) -> dict:
    return {
        "revenue": to_str(totals.revenue),
        "orders": totals.orders,
        "units": totals.units,
        "returns": totals.returns,
    }


def render_stats(figures: stats.SellerStats) -> dict:
    """The stats answer: money as decimal strings, dates as ISO 8601."""
    period = figures.period
    return {
        "period": {"days": period.days, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "totals": _render_totals(figures.totals),
        "previous": _render_totals(figures.previous),
        "series": [
            {"date": day.date.isoformat(), "revenue": to_str(day.revenue), "orders": day.orders}
            for day in figures.series
        ],
        "top_products": [
            {"product_id": top.product_id, "name": top.name, "units": top.units, "revenue": to_str(top.revenue)}
            for top in figures.top_products
        ],
        "currency": figures.currency,
    }


class SellerStatsView(GenericAPIView):
    """The calling seller's figures for the last ``days`` days, against the period of the same length before."""

    serializer_class = SellerStatsSerializer
    pagination_class = None
    problem_responses = {
        400: "days is not a whole number from 1 to 365 (validation_error).",
        403: "The caller is not a seller (permission_denied).",
    }

    @extend_schema(
        operation_id="seller_stats_retrieve",
        summary="Your sales figures",
        parameters=[StatsQuery],
        responses={200: SellerStatsSerializer},
    )
    @reads_from_replica
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        query = StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(render_stats(stats.seller_stats(seller_id=seller.pk, days=query.validated_data["days"])))
