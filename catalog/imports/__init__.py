"""Bulk import and export of a seller's catalogue (CSV/XLSX, one row per variant)."""
