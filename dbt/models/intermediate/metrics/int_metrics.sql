-- Every bulletin table's metrics in long form, for the snapshot: one row per
-- (table_no, metric_code, scope, unit_code). value_text is filled in by fct_metrics.
--
-- THE list of tables published in fct_metrics: adding table N = adding its
-- int_metrics_tNN model (built with metrics_long_form()) to this list; tables that publish one
-- concept over different scopes share one int_metrics_tNN_tMM (built with tables_long_form()).
{%- set metric_models = [
    'int_metrics_t01',
    'int_metrics_t02',
    'int_metrics_t03',
    'int_metrics_t04',
    'int_metrics_t05',
    'int_metrics_t06',
    'int_metrics_t07',
    'int_metrics_t08_t09',
    'int_metrics_t10',
    'int_metrics_t11',
    'int_metrics_t12_t13',
    'int_metrics_t14_t15',
    'int_metrics_t16_t17',
    'int_metrics_t18',
] %}

{% for metric_model in metric_models %}
    select
        table_no,
        metric_code,
        scope,
        unit_code,
        unit_name,
        numerator,
        denominator,
        value,
        value_kind,
        value_text
    from {{ ref(metric_model) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
