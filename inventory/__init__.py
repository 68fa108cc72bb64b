"""Stock on hand per variant, holds, the stock ledger and low-stock alerts."""
