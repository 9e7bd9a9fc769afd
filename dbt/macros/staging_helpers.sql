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

{#-
    rejection_report(ignored_reasons=[]): the end of a staging data quality report (tests
    assert_stg_rejected_rows and assert_stg_reference_rejected_rows), after its CTEs
    staged_rows (model_name, reject_reason, row_count) and raw_rows (model_name, row_count):
    one row per model and problem, with the number of raw rows concerned. A problem is a
    reject_reason of kept rows (but ignored_reasons) or dropped_in_staging, the raw rows
    staging dropped (raw minus staged rows), when not zero.
-#}
{% macro rejection_report(ignored_reasons=[]) -%}
staged_counts as (
    select
        model_name,
        sum(row_count) as row_count
    from staged_rows
    group by
        model_name
),

dropped_rows as (
    select
        raw_rows.model_name as model_name,
        'dropped_in_staging' as reject_reason,
        raw_rows.row_count - staged_counts.row_count as row_count
    from raw_rows
    inner join staged_counts
        on staged_counts.model_name = raw_rows.model_name
),

problems as (
    select
        model_name,
        reject_reason,
        row_count
    from staged_rows
    where reject_reason is not null
    {%- for reason in ignored_reasons %}
        and reject_reason <> '{{ reason }}'
    {%- endfor %}

    union all

    select
        model_name,
        reject_reason,
        row_count
    from dropped_rows
    where row_count <> 0
)

select
    model_name,
    reject_reason,
    row_count
from problems
{%- endmacro %}
