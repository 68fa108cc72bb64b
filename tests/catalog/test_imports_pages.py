"""The seller's import and export pages: upload, dry run, confirm, progress and result, downloads; access."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
import pytest

from catalog.imports import formats
from catalog.models import Product, ProductImport, Variant
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.catalog.import_files import csv_bytes, import_and_apply, import_file, row
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db
UPLOAD = "/seller/products/import/"


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller.user)
    return client


def upload(client, content: bytes, name: str = "products.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def detail(record) -> str:
    return f"/seller/products/import/{record.pk}/"


def test_the_upload_page_explains_the_format(seller_client):
    html = seller_client.get(UPLOAD).content.decode()

    assert "Import products" in html
    assert "material=cotton; fit=slim" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'href="/seller/products/export.csv"' in html


def test_an_upload_shows_the_dry_run_with_each_error_by_line_and_column(seller_client, seller):
    content = csv_bytes([row("A", size="S"), row("B", size="M", price="1.234"), row("C", size="L", quantity="x")])

    response = upload(seller_client, content)

    record = ProductImport.objects.get(seller=seller)
    assert response.status_code == 302
    assert response["Location"] == detail(record)
    html = seller_client.get(detail(record)).content.decode()
    errors = html.split('data-testid="errors"')[1].split("</table>")[0]
    assert '<th scope="row">3</th><td>Price</td><td>At most 2 digits after the decimal point.</td>' in errors
    assert '<th scope="row">4</th><td>Quantity</td><td>“x” is not a whole number.</td>' in errors
    assert 'data-testid="count-create">1<' in html
    assert "Confirm import" not in html
    assert not Variant.objects.filter(sku="A").exists()


def test_confirming_a_clean_dry_run_imports_and_shows_the_result(
    seller_client, seller, django_capture_on_commit_callbacks
):
    upload(seller_client, csv_bytes([row("A", size="S"), row("B", size="M")]))
    record = ProductImport.objects.get(seller=seller)
    html = seller_client.get(detail(record)).content.decode()
    assert "Confirm import" in html
    assert 'data-action="create"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(f"{detail(record)}confirm")

    assert response.status_code == 302
    html = seller_client.get(detail(record)).content.decode()
    assert 'data-status="done"' in html
    assert "Imported 2 rows: 2 created, 0 changed, 0 unchanged." in html
    assert Product.objects.get(seller=seller).variants.count() == 2


def test_confirming_an_import_with_errors_is_refused_with_409(seller_client, seller):
    upload(seller_client, csv_bytes([row("A", price="-1")]))
    record = ProductImport.objects.get(seller=seller)

    response = seller_client.post(f"{detail(record)}confirm")

    assert response.status_code == 409
    assert "found 1 error" in response.content.decode()


def test_a_running_import_shows_a_progress_bar_that_refreshes(seller_client, seller):
    record = import_file(seller, csv_bytes([row("A"), row("B", size="M")]))
    ProductImport.objects.filter(pk=record.pk).update(status=ProductImport.Status.RUNNING)

    html = seller_client.get(detail(record)).content.decode()
    progress = seller_client.get(f"{detail(record)}progress").json()

    assert '<progress id="import-progress" max="2" value="0"' in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "js/seller-import" in html
    assert progress == {"status": "running", "total_rows": 2, "rows_done": 0, "finished": False}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("SKU,Product name,Price,Quantity\nA,Café,1,1\n".encode("cp1252"), "p.csv", "not UTF-8 text"),
        (b"SKU,Product name\nA,Shirt\n", "p.csv", "missing columns Price, Quantity"),
        (b"\x00\x01\x02\x03binary" * 10, "p.csv", "not a text file"),
        (b"this is no workbook", "p.xlsx", "not a valid Excel workbook"),
        (b"", "p.csv", "The submitted file is empty."),
        (b"SKU,Product name,Price,Quantity\n", "p.csv", "a header but no rows"),
    ],
)
def test_a_malformed_file_gets_a_clear_message_and_a_400(seller_client, seller, content, name, message):
    response = upload(seller_client, content, name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProductImport.objects.filter(seller=seller).exists()


def test_a_50_mb_upload_is_refused_with_a_clear_message(seller_client, seller):
    content = b"SKU,Product name,Price,Quantity\n" + b"A,Shirt,1,1\n" * (50 * 1024 * 1024 // 12)

    response = upload(seller_client, content)

    assert response.status_code == 400
    assert "the limit is 10 MB" in response.content.decode()
    assert not ProductImport.objects.filter(seller=seller).exists()


def test_the_csv_export_downloads_every_variant_with_formulas_escaped(seller_client, seller):
    product = ProductFactory(seller=seller, name="=HYPERLINK(evil)", status="draft", default_variant=False)
    VariantFactory(product=product, sku="EX-1", options={"size": "M"}, stock=3)

    response = seller_client.get("/seller/products/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "\ufeffSKU,Product name,Description,Category,Brand,Price,Quantity,Size,Colour,Attributes,Status"
    assert lines[1] == "EX-1,'=HYPERLINK(evil),,,,10.00,3,M,,,draft"


def test_the_xlsx_export_is_a_workbook_of_the_same_rows(seller_client, seller):
    VariantFactory(product=ProductFactory(seller=seller, name="Shirt", default_variant=False), sku="EX-1", stock=3)

    response = seller_client.get("/seller/products/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[2]][:2] == ["EX-1", "Shirt"]
    table = formats.read_table(content=response.content, file_format=formats.XLSX)
    assert table.rows[0].values["quantity"] == "3"


def test_an_unknown_export_format_is_404(seller_client):
    assert seller_client.get("/seller/products/export.pdf").status_code == 404


def test_another_sellers_import_is_404_on_every_page(client, seller):
    record = import_file(seller, csv_bytes([row("A")]))
    client.force_login(SellerFactory().user)

    for response in (
        client.get(detail(record)),
        client.get(f"{detail(record)}progress"),
        client.post(f"{detail(record)}confirm"),
    ):
        assert response.status_code == 404
    assert ProductImport.objects.get(pk=record.pk).status == "validated"


def test_buyers_are_forbidden_and_visitors_asked_to_sign_in(client, seller):
    record = import_file(seller, csv_bytes([row("A")]))
    pages = [UPLOAD, detail(record), f"{detail(record)}progress", "/seller/products/export.csv"]

    assert all(client.get(page).status_code == 302 for page in pages)
    client.force_login(UserFactory())
    assert [client.get(page).status_code for page in pages] == [403] * 4


def test_the_upload_page_lists_recent_imports_in_bounded_queries(seller_client, seller, django_assert_max_num_queries):
    for n in range(5):
        import_file(seller, csv_bytes([row(f"A{n}")]))

    with django_assert_max_num_queries(12):
        html = seller_client.get(UPLOAD).content.decode()

    assert html.count("products.csv</a>") == 5


def test_imported_products_are_found_by_the_storefront_search(client, seller):
    import_and_apply(
        seller,
        csv_bytes(
            [row("Z-1", name="Zephyrine Linen Shirt", size="S"), row("Z-2", name="Zephyrine Linen Shirt", size="M")]
        ),
    )

    html = client.get("/search", {"q": "zephyrine"}).content.decode()

    assert "Zephyrine Linen Shirt" in html


def test_a_large_file_is_checked_in_the_background_while_the_page_waits(seller_client, seller, settings):
    settings.CATALOG_IMPORT_INLINE_ROWS = 2

    upload(seller_client, csv_bytes([row(f"S-{n}", size=str(n)) for n in range(3)]))  # the task waits for commit

    record = ProductImport.objects.get(seller=seller)
    html = seller_client.get(detail(record)).content.decode()
    assert record.status == "validating"
    assert "Checking 3 rows" in html
    assert '<progress id="import-progress" data-progress-url=' in html
    assert "Confirm import" not in html
