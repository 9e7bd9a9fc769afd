{#-
    generate_partition(column)

    The partition value of a date or timestamp expression: its day as a YYYYMMDD string
    (e.g. '20180205'). Curated tables select it last, `as partition`.
-#}
{% macro generate_partition(column) -%}
    {{ return(adapter.dispatch('generate_partition', 'mdw')(column)) }}
{%- endmacro %}

{#- ANSI fallback: the ISO date text without its dashes. -#}
{% macro default__generate_partition(column) -%}
    replace(cast(cast({{ column }} as date) as varchar), '-', '')
{%- endmacro %}

{% macro duckdb__generate_partition(column) -%}
    strftime(cast({{ column }} as date), '%Y%m%d')
{%- endmacro %}

{% macro trino__generate_partition(column) -%}
    date_format(cast({{ column }} as timestamp), '%Y%m%d')
{%- endmacro %}

{% macro athena__generate_partition(column) -%}
    date_format(cast({{ column }} as timestamp), '%Y%m%d')
{%- endmacro %}
