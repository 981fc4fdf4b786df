"""Tariff tables: header models, exact TOML files, the book of tables in force, checks, diffs."""
