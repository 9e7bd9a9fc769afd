{#-
    Helpers of the staging layer: turn raw text into typed values without ever failing.
-#}

{#-
    clean_string(column): trimmed text, empty string → NULL.
-#}
{% macro clean_string(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#-
    try_cast_as(expression, data_type): the expression cast to data_type, or NULL when the
    value does not parse (instead of an error). Staging compares the result with the input
    to record why a row was rejected.
-#}
{% macro try_cast_as(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_as', 'mdw')(expression, data_type)) }}
{%- endmacro %}

{#- Engines without try_cast: a plain cast (fails on bad input instead of returning NULL). -#}
{% macro default__try_cast_as(expression, data_type) -%}
    cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#-
    DuckDB's text-to-number casts are lenient ('1.5' → integer 2, '0x10' → 16, '1_000',
    '1e3'), where Trino's and Athena's are not: only plain decimal literals are cast, so a
    value parses (or not) the same way on every engine.
-#}
{% macro duckdb__try_cast_as(expression, data_type) -%}
    {%- if data_type | lower in ['tinyint', 'smallint', 'integer', 'int', 'bigint'] -%}
        case
            when regexp_full_match({{ expression }}, '[+-]?[0-9]+') then try_cast({{ expression }} as {{ data_type }})
        end
    {%- elif 'decimal' in data_type | lower or 'numeric' in data_type | lower -%}
        case
            when regexp_full_match({{ expression }}, '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)') then try_cast({{ expression }} as {{ data_type }})
        end
    {%- else -%}
        try_cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#- Trino's Iceberg views reject timestamp(3), which a bare `timestamp` is there: widen it. -#}
{% macro trino__try_cast_as(expression, data_type) -%}
    try_cast({{ expression }} as {{ 'timestamp(6)' if data_type | lower == 'timestamp' else data_type }})
{%- endmacro %}

{% macro athena__try_cast_as(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#-
    landing_partition(): the landing folder a raw sale came from (YYYYMMDD of the Hive-style
    `sales/partition=YYYYMMDD/` drop), as text; NULL for the single-file layout and for the
    undated folder (__HIVE_DEFAULT_PARTITION__). A filter on it reaches the raw scan, so a
    run that asks for one day reads only that day's folder.
-#}
{% macro landing_partition() -%}
    {%- if var('sales_layout', 'file') == 'daily' -%}
        nullif(cast(partition as varchar), '__HIVE_DEFAULT_PARTITION__')
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}
