"""Reconciliation checks (Great Expectations suites as code) over the DuckDB warehouse.

`checks.py` derives one DataFrame of violations per check (one row per offending table/unit
with its figures); `gx_suites.py` validates those frames with GX Core's pandas data source, so
a failing expectation lists the offending rows. `expectations/` holds generated data docs.
"""
