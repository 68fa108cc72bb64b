"""Reading and writing the catalogue file: headers, CSV and XLSX, formula escaping, unreadable files."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
import pytest

from catalog.imports import formats
from catalog.imports.errors import ImportFileError
from tests.catalog.import_files import HEADER, csv_bytes, row


def read_csv(content: bytes) -> formats.Table:
    return formats.read_table(content=content, file_format=formats.CSV)


def test_headers_match_whatever_their_case_spacing_and_order():
    content = b"  quantity ,PRODUCT   NAME,sku,Price,color\n3,Shirt,S-1,9.50,red\n"

    table = read_csv(content)

    assert table.columns == ["quantity", "name", "sku", "price", "colour"]
    assert table.rows[0].values == {"quantity": "3", "name": "Shirt", "sku": "S-1", "price": "9.50", "colour": "red"}
    assert table.rows[0].line == 2


def test_a_utf8_bom_and_semicolons_as_separators_are_read():
    content = "\ufeffSKU;Product name;Price;Quantity\nS-1;Chemise légère;9,50;3\n".encode()

    table = read_csv(content)

    assert table.rows[0].values["name"] == "Chemise légère"
    assert table.rows[0].values["price"] == "9,50"


def test_blank_lines_are_skipped_and_lines_count_as_in_the_file():
    content = b"SKU,Product name,Price,Quantity\n\nS-1,Shirt,1,1\n,,,\nS-2,Shirt,1,1\n"

    assert [r.line for r in read_csv(content).rows] == [3, 5]


def test_a_quoted_cell_over_several_lines_keeps_its_starting_line():
    content = b'SKU,Product name,Description,Price,Quantity\nS-1,Shirt,"two\nlines",1,1\nS-2,Shirt,x,1,1\n'

    rows = read_csv(content).rows

    assert rows[0].values["description"] == "two\nlines"
    assert [r.line for r in rows] == [2, 4]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"SKU,Product name,Price\n", "missing column Quantity"),
        (b"SKU,Price\n", "missing columns Product name, Quantity"),
        (b"SKU,Product name,Price,Quantity,Weight\n", "unknown column Weight"),
        (b"SKU,SKU,Product name,Price,Quantity\n", "“SKU” appears twice"),
    ],
)
def test_a_header_with_missing_unknown_or_repeated_columns_is_one_clear_error(header, expected):
    with pytest.raises(ImportFileError) as caught:
        read_csv(header + b"S-1,Shirt,1,1\n")

    assert expected in caught.value.message
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        (
            "SKU,Product name,Price,Quantity\nS-1,Café,1,1\n".encode("latin-1"),
            "not UTF-8 text (first bad byte on line 2)",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
        (b"PK\x03\x04garbage", "Excel workbook, not a CSV file"),
    ],
)
def test_unreadable_csv_files_get_a_message_saying_why(content, expected):
    with pytest.raises(ImportFileError) as caught:
        read_csv(content)

    assert expected in caught.value.message


def test_a_file_larger_than_the_limit_is_refused(settings):
    settings.CATALOG_IMPORT_MAX_BYTES = 100

    with pytest.raises(ImportFileError, match="larger than"):
        read_csv(csv_bytes([row(f"S-{n}") for n in range(5)]))


def test_a_file_with_more_rows_than_the_limit_is_refused(settings):
    settings.CATALOG_IMPORT_MAX_ROWS = 3

    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_csv(csv_bytes([row(f"S-{n}") for n in range(4)]))


def test_a_workbook_that_is_not_one_is_refused():
    with pytest.raises(ImportFileError, match="not a valid Excel workbook"):
        formats.read_table(content=b"PK\x03\x04 not really a zip", file_format=formats.XLSX)
    with pytest.raises(ImportFileError, match="not a valid Excel workbook"):
        formats.read_table(content=b"SKU,Product name\n", file_format=formats.XLSX)


def test_the_format_comes_from_the_name_else_from_the_first_bytes():
    assert formats.format_of("Products.XLSX", b"") == formats.XLSX
    assert formats.format_of("products.csv", b"PK\x03\x04") == formats.CSV
    assert formats.format_of("upload", b"PK\x03\x04") == formats.XLSX
    assert formats.format_of("upload", b"SKU") == formats.CSV


@pytest.mark.parametrize("value", ["=HYPERLINK(1)", "+1", "-50% sale", "@sum", "\tx", "\rx", "'=x", "''-y", "'plain"])
def test_escaping_a_cell_defuses_formulas_and_unescaping_gives_it_back(value):
    escaped = formats.escape_cell(value)

    assert not escaped.startswith(formats.FORMULA_STARTS)
    assert formats.unescape_cell(escaped) == value


def test_plain_cells_are_written_as_they_are():
    assert formats.escape_cell("Linen shirt") == "Linen shirt"
    assert formats.escape_cell("") == ""


def test_a_csv_export_escapes_formulas_and_reads_back_the_same():
    record = row("S-1", name="=cmd|' /C calc'!A0", description="-50% sale", brand="@brand") | {
        "category": "",
        "size": "",
        "colour": "",
        "attributes": "",
    }

    text = "".join(formats.csv_lines([record]))

    assert text.startswith("\ufeff" + ",".join(HEADER))
    assert ",'=cmd|' /C calc'!A0," in text
    assert "'-50% sale" in text
    assert read_csv(text.encode()).rows[0].values == record


def test_an_xlsx_export_holds_no_formula_and_reads_back_the_same():
    record = row("S-1", name="=1+1", description="+x", price="19.99", quantity="7") | {
        "category": "",
        "brand": "",
        "size": "M",
        "colour": "",
        "attributes": "a=b",
    }

    content = formats.xlsx_bytes([record])

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [cell for cells in sheet.iter_rows(min_row=2) for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)
    assert sheet["F2"].value == 19.99
    assert sheet["G2"].value == 7
    assert formats.read_table(content=content, file_format=formats.XLSX).rows[0].values == record


def test_workbook_numbers_read_as_the_text_a_person_typed():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["SKU", "Product name", "Price", "Quantity"])
    sheet.append([1001, "Shirt", 12.5, 3.0])
    output = io.BytesIO()
    workbook.save(output)

    values = formats.read_table(content=output.getvalue(), file_format=formats.XLSX).rows[0].values

    assert values == {"sku": "1001", "name": "Shirt", "price": "12.5", "quantity": "3"}


def test_cells_beyond_the_header_mark_the_row():
    rows = read_csv(b"SKU,Product name,Price,Quantity\nS-1,Shirt,1,1,extra\nS-2,Shirt,1,1,\n").rows

    assert [r.extra_cells for r in rows] == [True, False]
