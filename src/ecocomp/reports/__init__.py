"""Reports: tables of typed columns, and their writers (XLSX, CSV, JSON, Parquet), manifest, schema."""
