"""Ledger API for sellers: their balance, their statement (ledger entries, by date) and their payouts, each with
the entries it paid. Read only; money as decimal strings with the currency."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from ledger import selectors
from ledger.forms import day_bounds
from ledger.models import Entry, Payout, Transaction
from sellers import selectors as seller_selectors
from shop.api.fields import MoneyField
from shop.money import to_str

ACCOUNT_NAMES = {"seller_pending": "pending", "seller_available": "available"}
NOT_A_SELLER = "The caller is not a seller (permission_denied)."

# --- Answers ----------------------------------------------------------------------------------------------


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    pending = MoneyField(help_text="Earned on orders not yet past the return window (and the hold).")
    available = MoneyField(
        help_text="Paid at the next Monday run; negative after a refund of money already paid (netted then)."
    )
    paid_out = MoneyField(help_text="Paid to you so far.")
    payouts_held = serializers.BooleanField(help_text="Staff hold your payouts until further notice.")


class LedgerEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=Transaction.Kind.choices, help_text="What happened.")
    account = serializers.ChoiceField(choices=sorted(ACCOUNT_NAMES.values()), help_text="Which of your funds moved.")
    amount = MoneyField(help_text="Positive: owed to you; negative: taken back.")
    currency = serializers.CharField()
    order_id = serializers.CharField(allow_null=True)
    line_id = serializers.IntegerField(allow_null=True, help_text="The order line's id.")
    reason = serializers.CharField(allow_blank=True)
    payout_id = serializers.CharField(allow_null=True, help_text="The payout that settled it, once paid.")


class PayoutSerializer(serializers.Serializer):
    id = serializers.CharField()
    period = serializers.CharField(help_text="ISO week paid, e.g. 2026-W49.")
    amount = MoneyField()
    currency = serializers.CharField()
    # Not a ChoiceField: its enum would collide with the other "status" enums (ENUM_NAME_OVERRIDES in settings).
    status = serializers.CharField(help_text="`pending` (sent, not yet settled), `paid` or `failed`.")
    reference = serializers.CharField(allow_blank=True, help_text="The payout provider's transfer id.")
    failure_reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    settled_at = serializers.DateTimeField(allow_null=True)


class PayoutDetailSerializer(PayoutSerializer):
    entries = LedgerEntrySerializer(many=True, help_text="What the payout paid, oldest first: they sum to amount.")


def render_entry(entry: Entry, *, account: str | None = None) -> dict:
    """An entry with its transaction (selected with it); ``account`` when known without its account row."""
    tx = entry.transaction
    return {
        "id": entry.pk,
        "occurred_at": entry.occurred_at,
        "kind": tx.kind,
        "account": account or ACCOUNT_NAMES.get(entry.account.kind, entry.account.kind),
        "amount": to_str(entry.amount),
        "currency": settings.STORE_CURRENCY,
        "order_id": tx.order_id or None,
        "line_id": tx.line_id,
        "reason": tx.reason,
        "payout_id": entry.payout_id,
    }


def render_payout(payout: Payout) -> dict:
    return {
        "id": payout.pk,
        "period": payout.period,
        "amount": to_str(payout.amount),
        "currency": payout.currency,
        "status": payout.status,
        "reference": payout.reference,
        "failure_reason": payout.failure_reason,
        "created_at": payout.created_at,
        "settled_at": payout.settled_at,
    }


# --- Views ------------------------------------------------------------------------------------------------


class SellerBalanceView(GenericAPIView):
    """The calling seller's balance: pending, available and paid out, and whether payouts are held."""

    serializer_class = BalanceSerializer
    pagination_class = None
    problem_responses = {403: NOT_A_SELLER}

    @extend_schema(operation_id="seller_balance_retrieve", summary="Your balance")
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        balance = selectors.seller_balance(seller_id=seller.pk)
        return Response(
            {
                "currency": balance.currency,
                "pending": to_str(balance.pending),
                "available": to_str(balance.available),
                "paid_out": to_str(balance.paid_out),
                "payouts_held": balance.payouts_held,
            }
        )


def _ledger_query_validate(self, attrs):
    if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
        raise serializers.ValidationError({"to": ["Must be on or after from."]})
    return attrs


# ``from`` is a keyword: the serializer is built rather than declared.
LedgerQuery = type(
    "LedgerQuery",
    (serializers.Serializer,),
    {
        "from": serializers.DateField(required=False, help_text="Only entries on or after this day (YYYY-MM-DD)."),
        "to": serializers.DateField(required=False, help_text="Only entries on or before this day (YYYY-MM-DD)."),
        "validate": _ledger_query_validate,
    },
)


class SellerLedgerView(GenericAPIView):
    """The calling seller's statement: every entry of their pending and available funds, newest first;
    ``?from=`` and ``?to=`` (inclusive days) bound it."""

    serializer_class = LedgerEntrySerializer
    list_key = "entries"
    problem_responses = {
        400: "A malformed date, from after to, or a bad offset or limit (validation_error).",
        403: NOT_A_SELLER,
    }

    @extend_schema(
        operation_id="seller_ledger_list",
        summary="Your statement",
        parameters=[LedgerQuery],
        responses={200: LedgerEntrySerializer(many=True)},
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        query = LedgerQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, until = day_bounds(query.validated_data.get("from"), query.validated_data.get("to"))
        entries = selectors.statement(seller_id=seller.pk, since=since, until=until)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response([render_entry(entry) for entry in page])


class SellerPayoutListView(GenericAPIView):
    """The calling seller's payouts, newest first."""

    serializer_class = PayoutSerializer
    list_key = "payouts"
    problem_responses = {403: NOT_A_SELLER}

    @extend_schema(
        operation_id="seller_payouts_list", summary="Your payouts", responses={200: PayoutSerializer(many=True)}
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        page = self.paginate_queryset(selectors.payouts_of(seller_id=seller.pk))
        return self.get_paginated_response([render_payout(payout) for payout in page])


class SellerPayoutView(GenericAPIView):
    """One of the calling seller's payouts with the entries it paid; anyone else's is a 404."""

    serializer_class = PayoutDetailSerializer
    pagination_class = None
    problem_responses = {403: NOT_A_SELLER, 404: "No such payout of yours (payout_not_found)."}

    @extend_schema(operation_id="seller_payouts_retrieve", summary="One payout and what it paid")
    def get(self, request, payout_id: str):
        seller = seller_selectors.seller_of(user=request.user)
        payout = selectors.payout_of(seller_id=seller.pk, payout_id=payout_id)
        # A payout settles entries of the seller's available funds only (ledger.services._create_payout).
        entries = [render_entry(entry, account="available") for entry in selectors.payout_statement(payout=payout)]
        return Response({**render_payout(payout), "entries": entries})
