"""Errors of bulk import: a file that cannot be read, an import that is not the seller's or not ready."""

from shop.errors import DomainError, FieldConflict, NotFound


class ImportFileError(FieldConflict):
    """The uploaded file cannot be read as a catalogue (empty, too large, not UTF-8, not a workbook, bad header)."""

    field = "file"
    default_message = "This file cannot be read as a catalogue."


class ImportNotFound(NotFound):
    default_message = "No such import."


class ImportNotConfirmable(DomainError):
    """Only a checked import without errors can be applied, and only once."""

    code = "import_not_confirmable"
    default_message = "This import cannot be applied."
