{#- uscc_is_valid(column) -> boolean: the 统一社会信用代码 passes the GB 32100-2015 check
    (CONTRACT §3, e_seals): 18 characters from '0123456789ABCDEFGHJKLMNPQRTUWXY' (value =
    position in that string, 0-based), weights of positions 1–17 = 3^(i−1) mod 31,
    check character = 31 − (Σ value·weight mod 31), 31 → 0. NULL, wrong length, a character
    outside the set (lower case included) or a wrong check character: false. -#}
{% macro uscc_is_valid(column) -%}
    {%- set charset = '0123456789ABCDEFGHJKLMNPQRTUWXY' -%}
    {%- set weights = [] -%}
    {%- for i in range(17) -%}{%- do weights.append((3 ** i) % 31) -%}{%- endfor -%}
    coalesce(
        {{ regex_full_match(column, '[' ~ charset ~ ']{18}') }}
        and (31 - ((
            {%- for w in weights %}
            (instr('{{ charset }}', substr({{ column }}, {{ loop.index }}, 1)) - 1) * {{ w }}{% if not loop.last %} +{% endif %}
            {%- endfor %}
        ) % 31)) % 31 = instr('{{ charset }}', substr({{ column }}, 18, 1)) - 1,
        false)
{%- endmacro %}
