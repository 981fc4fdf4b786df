"""Ledgers (台账): kinds and columns, readers for CSV, XLSX and Parquet, column parsers, row checks."""
