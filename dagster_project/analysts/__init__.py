"""The analysts' tools on the published warehouse, beside the bulletin rather than in it:
`zwfw sql` (a read-only SQL shell), `zwfw docs` (the dbt docs site, also written by each run)
and `zwfw mf` (MetricFlow's semantic layer)."""
