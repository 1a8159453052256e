{#- worklist_metrics() -> the metrics whose shortfall fct_worklist lists (查漏补缺), one dict per
    (table, concept): table_no, concept (the metric code without its tNN_ prefix, and the
    `concept` of int_worklist_* rows), scopes (as in the table's metrics_by_unit() call), roster
    (default on_roster) and size: 'gap' (a ratio: denominator − numerator records per unit) or
    'value' (a count of missing things: value records per unit). fct_worklist and the data test
    worklist_size_rule both read this list, so a code cannot be listed without being checked. -#}
{% macro worklist_metrics() -%}
    {%- set metrics = [
        {'table_no': 1, 'concept': 'zero_visit_share', 'scopes': ['province_dept']},
        {'table_no': 1, 'concept': 'instant_share_license', 'scopes': ['province_dept']},
        {'table_no': 2, 'concept': 'process_complete', 'scopes': ['city_level', 'city_counties']},
        {'table_no': 3, 'concept': 'process_complete', 'scopes': ['direct_county']},
        {'table_no': 4, 'concept': 'type_completion', 'scopes': ['province_dept'],
         'roster': 'issues_province_license_types'},
        {'table_no': 7, 'concept': 'seal_coverage', 'scopes': ['city_area']},
        {'table_no': 8, 'concept': 'ua_coverage', 'scopes': ['city_level', 'direct_county']},
        {'table_no': 9, 'concept': 'ua_coverage', 'scopes': ['city_counties']},
        {'table_no': 10, 'concept': 'items_without_cases', 'scopes': ['province_dept'], 'size': 'value'},
        {'table_no': 10, 'concept': 'license_items_without_cases', 'scopes': ['province_dept'], 'size': 'value'},
        {'table_no': 11, 'concept': 'item_incidence', 'scopes': ['city_total', 'direct_county']},
        {'table_no': 11, 'concept': 'license_item_incidence', 'scopes': ['city_total', 'direct_county']},
    ] -%}
    {%- for table_no, scopes in [(14, ['province_dept']), (15, ['city_total', 'direct_county'])] -%}
        {%- for concept in ['eval_completeness', 'item_coverage', 'rectify_on_time'] -%}
            {%- do metrics.append({'table_no': table_no, 'concept': concept, 'scopes': scopes}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- do metrics.append({'table_no': 15, 'concept': 'dept_coverage', 'scopes': ['city_total', 'direct_county']}) -%}
    {%- for table_no, scopes in [(16, ['province_dept']), (17, ['city_total', 'direct_county'])] -%}
        {%- for concept in ['consult_on_time', 'complaint_on_time'] -%}
            {%- do metrics.append({'table_no': table_no, 'concept': concept, 'scopes': scopes}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for metric in metrics -%}
        {%- do metric.update({'metric_code': 't%02d_%s' | format(metric.table_no, metric.concept),
                              'roster': metric.get('roster', 'on_roster'),
                              'size': metric.get('size', 'gap')}) -%}
    {%- endfor -%}
    {{ return(metrics) }}
{%- endmacro %}

{#- previous_mart_partitions(model_name, count) -> the lake files of `model_name`'s `count`
    latest published snapshots before the one being built, newest first, as a list of
    {snapshot_date, file}; empty for the first snapshot, or while dbt only parses.
    The build's database holds one snapshot; the marts' history is in the lake
    (dagster_project/lake.py), so a mart that looks back reads those partitions and nothing else. -#}
{% macro previous_mart_partitions(model_name, count) -%}
    {{ return(adapter.dispatch('previous_mart_partitions', 'zwfw')(model_name, count)) }}
{%- endmacro %}

{% macro default__previous_mart_partitions(model_name, count) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set marts = env_var('ZWFW_LAKE') ~ '/marts' -%}
    {%- set folder = marts ~ '/' ~ model_name -%}
    {#- a snapshot counts once its export finished: its marker in marts/_published (dagster_project/lake.py) -#}
    {%- set dated = "select distinct cast(regexp_extract(file, 'snapshot_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) as date) as d from glob('" -%}
    {%- set found = run_query(
        "select d from (" ~ dated ~ (folder | replace("'", "''")) ~ "/snapshot_date=*/part-0.parquet')) "
        ~ "join (" ~ dated ~ (marts | replace("'", "''")) ~ "/_published/snapshot_date=*')) using (d) "
        ~ "where d < " ~ snapshot_date() ~ " order by d desc limit " ~ count) -%}
    {%- set partitions = [] -%}
    {%- for previous in found.columns[0].values() -%}
        {%- do partitions.append({'snapshot_date': previous | string,
                                  'file': folder ~ '/snapshot_date=' ~ (previous | string) ~ '/part-0.parquet'}) -%}
    {%- endfor -%}
    {{ return(partitions) }}
{%- endmacro %}

{#- previous_mart_partition(model_name) -> the latest of them ({snapshot_date, file}), or none. -#}
{% macro previous_mart_partition(model_name) -%}
    {%- set partitions = previous_mart_partitions(model_name, 1) -%}
    {{ return(partitions[0] if partitions else none) }}
{%- endmacro %}

{#- On Spark, SQL cannot list a folder (nor read one that does not exist yet): the published
    snapshots come from the orchestrator, which lists the lake's markers (var `lake_snapshots`, ISO
    dates: the snapshots whose every mart is in the lake). -#}
{% macro spark__previous_mart_partitions(model_name, count) -%}
    {%- set folder = spark_lake() ~ '/marts/' ~ model_name -%}
    {%- set earlier = var('lake_snapshots', []) | map('string') | select('lt', var('snapshot_date') | string) | sort | reverse | list -%}
    {%- set partitions = [] -%}
    {%- for previous in earlier[:count] -%}
        {%- do partitions.append({'snapshot_date': previous,
                                  'file': folder ~ '/snapshot_date=' ~ previous ~ '/part-0.parquet'}) -%}
    {%- endfor -%}
    {{ return(partitions) }}
{%- endmacro %}
