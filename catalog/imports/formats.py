"""The catalogue file format: its columns, reading CSV and XLSX into rows, writing them back.

One row per variant. Headers are matched case- and space-insensitively. Text cells that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are written
with a leading single quote, and the quote is taken off again on reading, so a round trip is exact.
A file that cannot be read at all raises ImportFileError with a message meant for the seller.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
import csv
from dataclasses import dataclass, field
from decimal import Decimal
import io
import zipfile

from django.conf import settings

from catalog.imports.errors import ImportFileError

CSV = "csv"
XLSX = "xlsx"

# (key, header as exported), in the order of the exported columns.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("sku", "SKU"),
    ("name", "Product name"),
    ("description", "Description"),
    ("category", "Category"),
    ("brand", "Brand"),
    ("price", "Price"),
    ("quantity", "Quantity"),
    ("size", "Size"),
    ("colour", "Colour"),
    ("attributes", "Attributes"),
    ("status", "Status"),
)
HEADERS = dict(COLUMNS)
REQUIRED = ("sku", "name", "price", "quantity")
_ALIASES = {"product name": "name", "product": "name", "color": "colour"}
_KEYS = {header.lower(): key for key, header in COLUMNS} | {key: key for key, _ in COLUMNS} | _ALIASES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Row:
    """One data row: its line in the file (the header is line 1) and its cells by column key."""

    line: int
    values: dict[str, str]
    extra_cells: bool = False


@dataclass
class Table:
    columns: list[str]
    rows: list[Row] = field(default_factory=list)


def _needs_quote(value: str) -> bool:
    # A value that already starts with quotes before a formula gets one more, so unescaping is exact.
    return value.startswith(FORMULA_STARTS) or (value.startswith("'") and _needs_quote(value[1:]))


def escape_cell(value: str) -> str:
    """``value`` made safe from formula injection: a leading quote when it starts like a formula."""
    return "'" + value if _needs_quote(value) else value


def unescape_cell(value: str) -> str:
    """The inverse of ``escape_cell``."""
    return value[1:] if value.startswith("'") and _needs_quote(value[1:]) else value


def format_of(file_name: str, content: bytes) -> str:
    """``xlsx`` or ``csv``, by the file's name and, failing that, its first bytes."""
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return XLSX
    if name.endswith((".csv", ".txt")):
        return CSV
    return XLSX if content.startswith(_XLSX_MAGIC) else CSV


def read_table(*, content: bytes, file_format: str) -> Table:
    """Read a catalogue file into rows; raises ImportFileError for a file that cannot be read as one
    (empty, too large, not UTF-8, binary, not a workbook, missing or unknown columns, too many rows)."""
    if not content.strip():
        raise ImportFileError("The file is empty.")
    limit = settings.CATALOG_IMPORT_MAX_BYTES
    if len(content) > limit:
        raise ImportFileError(f"The file is larger than {limit // (1024 * 1024)} MB; split it into several files.")
    records = _xlsx_records(content) if file_format == XLSX else _csv_records(content)
    return _table(records)


def _csv_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    if content.startswith(_XLSX_MAGIC):
        raise ImportFileError("This is an Excel workbook, not a CSV file: upload it with the .xlsx extension.")
    if b"\x00" in content[:65536]:
        raise ImportFileError("This is not a text file. Upload a CSV file (UTF-8) or an Excel workbook (.xlsx).")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (first bad byte on line {line}). Save it as “CSV UTF-8” and upload it again."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            yield start, [unescape_cell(cell) for cell in cells]
    except csv.Error as exc:
        raise ImportFileError(f"Line {end + 1} cannot be read as CSV ({exc}).") from None


def _xlsx_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only workbooks need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        raise ImportFileError("This is not a valid Excel workbook (.xlsx).") from exc
    try:
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [unescape_cell(_xlsx_text(cell)) for cell in cells]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError("This Excel workbook is damaged and cannot be read.") from exc
    finally:
        workbook.close()


def _xlsx_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, (int, Decimal)):
        return str(cell)
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return str(cell)


def normalized_header(header: str) -> str:
    return " ".join(header.replace("_", " ").split()).lower()


def column_key(header: str) -> str | None:
    """The key of the column a header names (``"Product  NAME"`` → ``name``); None for an unknown one."""
    return _KEYS.get(normalized_header(header))


def _table(records: Iterable[tuple[int, list[str]]]) -> Table:
    records = iter(records)
    header_line, header = next(((line, cells) for line, cells in records if any(c.strip() for c in cells)), (0, []))
    if not header:
        raise ImportFileError("The file is empty.")
    keys: list[str | None] = []
    unknown, seen = [], set()
    for cell in header:
        key = column_key(cell)
        keys.append(key)
        if key is None:
            if cell.strip():
                unknown.append(cell.strip())
        elif key in seen:
            raise ImportFileError(f"The column “{HEADERS[key]}” appears twice in the header (line {header_line}).")
        else:
            seen.add(key)
    missing = [HEADERS[key] for key in REQUIRED if key not in seen]
    if missing or unknown:
        problems = []
        if missing:
            problems.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
        if unknown:
            problems.append("unknown column" + ("s " if len(unknown) > 1 else " ") + ", ".join(unknown))
        expected = ", ".join(header for _, header in COLUMNS)
        raise ImportFileError(
            f"The header (line {header_line}) has {' and '.join(problems)}. The columns are: {expected}."
        )
    table = Table(columns=[key for key in keys if key])
    limit = settings.CATALOG_IMPORT_MAX_ROWS
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(table.rows) >= limit:
            raise ImportFileError(f"The file has more than {limit:,} rows; split it into several files.")
        values = {key: cell for key, cell in zip(keys, cells, strict=False) if key}
        extra = any(cell.strip() for key, cell in zip(keys, cells, strict=False) if not key) or any(
            cell.strip() for cell in cells[len(keys) :]
        )
        table.rows.append(Row(line=line, values=values, extra_cells=extra))
    return table


# --- Writing --------------------------------------------------------------------------------------


def _cells(record: dict[str, str]) -> list[str]:
    return [escape_cell(record.get(key, "")) for key, _ in COLUMNS]


def csv_lines(records: Iterable[dict[str, str]]) -> Iterator[str]:
    """The CSV text of ``records`` (header first), a line at a time, for a streaming answer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Sequence[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    yield "\ufeff" + line([header for _, header in COLUMNS])  # the BOM makes Excel read UTF-8
    for record in records:
        yield line(_cells(record))


def xlsx_bytes(records: Iterable[dict[str, str]]) -> bytes:
    """An XLSX workbook of ``records`` (header first): prices and quantities as numbers, the rest as text."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Products")
    sheet.append([header for _, header in COLUMNS])
    price_at, quantity_at = [key for key, _ in COLUMNS].index("price"), [key for key, _ in COLUMNS].index("quantity")
    for record in records:
        cells: list = _cells(record)
        cells[price_at] = Decimal(record["price"])
        cells[quantity_at] = int(record["quantity"])
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
