"""Bulk import and export API for sellers: upload a file (its dry run answers), confirm it, follow it; export."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from catalog import services
from catalog.imports import files, formats, selectors
from catalog.models import ProductImport
from sellers import selectors as seller_selectors


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line in the file; the header is line 1.")
    column = serializers.CharField(help_text='The column\'s header ("Price"), or "" for the whole row.')
    message = serializers.CharField()


class ImportCountsSerializer(serializers.Serializer):
    create = serializers.IntegerField(help_text="Rows that add a variant (and maybe a product).")
    change = serializers.IntegerField(help_text="Rows that change an existing variant or its product.")
    unchanged = serializers.IntegerField(help_text="Rows equal to what the catalogue has.")
    error_rows = serializers.IntegerField(help_text="Rows with at least one error.")


class ImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    format = serializers.ChoiceField(choices=ProductImport.Format.choices)
    status = serializers.ChoiceField(
        choices=ProductImport.Status.choices,
        help_text="validating → validated (the dry run) → queued → running → done; failed writes nothing.",
    )
    total_rows = serializers.IntegerField()
    rows_done = serializers.IntegerField(help_text="Rows written so far (progress while running).")
    counts = ImportCountsSerializer(help_text="What the rows do (after the dry run; after the import once done).")
    error_count = serializers.IntegerField()
    errors = RowErrorSerializer(many=True, help_text="Every error (the first 1,000), by line.")
    message = serializers.CharField(help_text="Why a failed import wrote nothing; empty otherwise.")
    confirm = serializers.CharField(
        allow_null=True, help_text="POST here to apply the import; null unless it is checked and has no errors."
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX, one row per variant.")


def render_import(record: ProductImport, *, request) -> dict:
    report = record.report or {}
    counts = {"create": 0, "change": 0, "unchanged": 0, "error_rows": 0} | report.get("counts", {})
    confirmable = record.status == ProductImport.Status.VALIDATED and not report.get("error_count")
    return {
        "id": record.pk,
        "file_name": record.file_name,
        "format": record.format,
        "status": record.status,
        "total_rows": record.total_rows,
        "rows_done": selectors.rows_done(record),
        "counts": counts,
        "error_count": report.get("error_count", 0),
        "errors": report.get("errors", []),
        "message": report.get("message", ""),
        "confirm": reverse("api:catalog:seller-import-confirm", args=[record.pk], request=request)
        if confirmable
        else None,
        "created_at": record.created_at,
        "finished_at": record.finished_at,
    }


class SellerImportListView(GenericAPIView):
    """The calling seller's imports, newest first; upload a new file (multipart ``file``): its dry run answers."""

    serializer_class = ImportUploadSerializer
    parser_classes = [MultiPartParser, FormParser]
    list_key = "imports"
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(
        operation_id="seller_imports_list", summary="Your imports", responses={200: ImportSerializer(many=True)}
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        page = self.paginate_queryset(selectors.imports_for_seller(seller_id=seller.pk))
        return self.get_paginated_response([render_import(record, request=request) for record in page])

    @extend_schema(
        operation_id="seller_imports_create",
        summary="Upload a catalogue file (dry run)",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportSerializer},
    )
    def post(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        record = services.start_import(
            seller=seller, actor=request.user, file_name=upload.name, content=files.uploaded_bytes(upload)
        )
        record = selectors.import_for_seller(seller_id=seller.pk, import_id=record.pk)
        return Response(render_import(record, request=request), status=status.HTTP_201_CREATED)


class SellerImportDetailView(GenericAPIView):
    """One of the calling seller's imports: its dry run, progress or result."""

    serializer_class = ImportSerializer
    pagination_class = None

    @extend_schema(operation_id="seller_imports_retrieve", summary="An import")
    def get(self, request, import_id: int):
        seller = seller_selectors.seller_of(user=request.user)
        record = selectors.import_for_seller(seller_id=seller.pk, import_id=import_id)
        return Response(render_import(record, request=request))


class SellerImportConfirmView(GenericAPIView):
    """Apply a checked import without errors, all rows or none; it runs in the background (follow its status)."""

    serializer_class = ImportSerializer
    pagination_class = None
    problem_responses = {409: "The import has errors, or is not waiting for a confirmation (import_not_confirmable)."}

    @extend_schema(
        operation_id="seller_imports_confirm",
        summary="Apply an import",
        request=None,
        responses={202: ImportSerializer},
    )
    def post(self, request, import_id: int):
        seller = seller_selectors.seller_of(user=request.user)
        services.confirm_import(seller=seller, import_id=import_id)
        record = selectors.import_for_seller(seller_id=seller.pk, import_id=import_id)
        return Response(render_import(record, request=request), status=status.HTTP_202_ACCEPTED)


class _IgnoreFormatParameter(DefaultContentNegotiation):
    """``?format=`` names the file to export here, not the answer's renderer (DRF's default reading)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class SellerExportView(GenericAPIView):
    """Every variant of the calling seller's products in the import format (``?format=csv`` or ``xlsx``)."""

    pagination_class = None
    content_negotiation_class = _IgnoreFormatParameter
    problem_responses = {
        400: "``format`` is neither csv nor xlsx (validation_error).",
        403: "The caller is not a seller (permission_denied).",
    }

    @extend_schema(
        operation_id="seller_export",
        summary="Export your catalogue",
        parameters=[
            OpenApiParameter(
                "format", str, enum=[formats.CSV, formats.XLSX], default=formats.CSV, description="File type."
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The catalogue file."),
            (200, files.CONTENT_TYPES[formats.XLSX]): OpenApiResponse(
                OpenApiTypes.BINARY, description="The catalogue file."
            ),
        },
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        file_format = request.query_params.get("format", formats.CSV)
        if file_format not in files.CONTENT_TYPES:
            raise serializers.ValidationError({"format": ["Export as csv or xlsx."]})
        return files.export_response(seller=seller, file_format=file_format)
