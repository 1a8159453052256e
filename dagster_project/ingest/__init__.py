"""Ingestion: raw deliveries (CSV, XLSX, Parquet) validated into the warehouse schema `raw`.

Entry point: `dagster_project.ingest.load.ingest_source`.
"""
