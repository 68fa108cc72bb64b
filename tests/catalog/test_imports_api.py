"""/api/v1/seller/imports and /api/v1/seller/export: upload (dry run), follow, confirm, list; export."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
import pytest

from catalog.imports import formats
from catalog.models import ProductImport, Variant
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.catalog.import_files import csv_bytes, import_file, row
from tests.sellers.factories import SellerFactory
from tests.shop.test_api_conventions import assert_problem

pytestmark = pytest.mark.django_db
IMPORTS = "/api/v1/seller/imports"
EXPORT = "/api/v1/seller/export"


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def seller_api(api_client, seller):
    api_client.force_authenticate(seller.user)
    return api_client


def post_file(client, content: bytes, name: str = "products.csv"):
    return client.post(IMPORTS, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_an_upload_answers_201_with_the_dry_run_and_a_confirm_link(seller_api):
    response = post_file(seller_api, csv_bytes([row("A", size="S"), row("B", size="M")]))

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "validated"
    assert body["counts"] == {"create": 2, "change": 0, "unchanged": 0, "error_rows": 0}
    assert body["errors"] == []
    assert body["confirm"] == f"http://testserver{IMPORTS}/{body['id']}/confirm"


def test_an_upload_with_bad_rows_lists_each_error_and_offers_no_confirm(seller_api):
    body = post_file(seller_api, csv_bytes([row("A", price="x"), row("", name="B")])).json()

    assert body["errors"] == [
        {"line": 2, "column": "Price", "message": "“x” is not a number."},
        {"line": 3, "column": "SKU", "message": "A SKU is required: it is how a row finds its variant again."},
    ]
    assert body["error_count"] == 2
    assert body["confirm"] is None


def test_confirm_answers_202_and_the_import_applies(seller_api, django_capture_on_commit_callbacks):
    created = post_file(seller_api, csv_bytes([row("A", quantity="4")])).json()

    with django_capture_on_commit_callbacks(execute=True):
        response = seller_api.post(f"{IMPORTS}/{created['id']}/confirm")

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    after = seller_api.get(f"{IMPORTS}/{created['id']}").json()
    assert (after["status"], after["rows_done"], after["confirm"]) == ("done", 1, None)
    assert Variant.objects.filter(sku="A").exists()


def test_confirming_an_import_with_errors_is_a_409(seller_api):
    created = post_file(seller_api, csv_bytes([row("A", price="-1")])).json()

    assert_problem(seller_api.post(f"{IMPORTS}/{created['id']}/confirm"), 409, "import_not_confirmable")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("SKU,Product name,Price,Quantity\nA,Café,1,1\n".encode("latin-1"), "p.csv", "not UTF-8 text"),
        (b"SKU,Name\n", "p.csv", "missing columns Price, Quantity"),
        (bytes(range(256)) * 4, "p.bin", "not a text file"),
        (b"PK\x03\x04nope", "p.xlsx", "not a valid Excel workbook"),
    ],
)
def test_a_malformed_file_is_a_400_problem_naming_the_file_field(seller_api, content, name, message):
    body = assert_problem(post_file(seller_api, content, name), 400, "validation_error")

    assert message in body["errors"]["file"][0]


def test_a_50_mb_file_is_a_400_problem(seller_api):
    content = b"SKU,Product name,Price,Quantity\n" + b"A" * (50 * 1024 * 1024)

    body = assert_problem(post_file(seller_api, content), 400, "validation_error")

    assert "the limit is 10 MB" in body["errors"]["file"][0]


def test_the_list_holds_only_the_callers_imports_newest_first(seller_api, seller):
    first = import_file(seller, csv_bytes([row("A")]), name="one.csv")
    second = import_file(seller, csv_bytes([row("B")]), name="two.csv")
    import_file(SellerFactory(), csv_bytes([row("C")]))

    body = seller_api.get(IMPORTS).json()

    assert [item["id"] for item in body["imports"]] == [second.pk, first.pk]
    assert body["count"] == 2


def test_the_list_takes_the_same_queries_for_two_imports_and_for_ten(seller_api, seller, django_assert_max_num_queries):
    for n in range(2):
        import_file(seller, csv_bytes([row(f"A{n}")]))
    with django_assert_max_num_queries(20) as few:
        seller_api.get(IMPORTS)
    for n in range(8):
        import_file(seller, csv_bytes([row(f"B{n}")]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert seller_api.get(IMPORTS).json()["count"] == 10


def test_another_sellers_import_is_404(api_client, seller):
    record = import_file(seller, csv_bytes([row("A")]))
    api_client.force_authenticate(SellerFactory().user)

    assert_problem(api_client.get(f"{IMPORTS}/{record.pk}"), 404, "not_found")
    assert_problem(api_client.post(f"{IMPORTS}/{record.pk}/confirm"), 404, "not_found")
    assert ProductImport.objects.get(pk=record.pk).status == "validated"


def test_buyers_are_refused_with_403(api_client, seller):
    record = import_file(seller, csv_bytes([row("A")]))
    api_client.force_authenticate(UserFactory())

    assert_problem(api_client.get(IMPORTS), 403, "permission_denied")
    assert_problem(post_file(api_client, csv_bytes([row("A")])), 403, "permission_denied")
    assert_problem(api_client.get(f"{IMPORTS}/{record.pk}"), 403, "permission_denied")
    assert_problem(api_client.get(EXPORT), 403, "permission_denied")


def test_the_export_gives_csv_or_xlsx(seller_api, seller):
    VariantFactory(product=ProductFactory(seller=seller, name="+1 Shirt", default_variant=False), sku="EX", stock=2)

    csv_answer = seller_api.get(EXPORT)
    xlsx_answer = seller_api.get(EXPORT, {"format": "xlsx"})

    assert csv_answer.status_code == 200
    text = b"".join(csv_answer.streaming_content).decode()
    assert "EX,'+1 Shirt," in text
    assert xlsx_answer["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    table = formats.read_table(content=xlsx_answer.content, file_format=formats.XLSX)
    assert table.rows[0].values["name"] == "+1 Shirt"


def test_an_unknown_export_format_is_a_400(seller_api):
    body = assert_problem(seller_api.get(EXPORT, {"format": "pdf"}), 400, "validation_error")

    assert body["errors"] == {"format": ["Export as csv or xlsx."]}
