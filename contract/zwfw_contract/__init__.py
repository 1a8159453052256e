"""The data contract (tests/fixtures/CONTRACT.md) as code, shared by the pipeline and the sample.

`sources` is the registry of raw sources (CONTRACT §3); `audit` the printed bulletin's own
arithmetic (how a printed ratio follows from its printed parts). Both are pure Python with no
dependency on Dagster or dbt, so that the sample generator can import them without the pipeline.
"""
