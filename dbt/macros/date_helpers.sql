{#-
    generate_date_series(relation, start_column, end_column, alias)

    One row per day from start_column to end_column (both inclusive), as a date column named
    `alias`, for the single row of `relation` (a CTE name holding the bounds). Used by the
    date dimension; the series is built by each engine's own sequence function.
-#}
{% macro generate_date_series(relation, start_column, end_column, alias) -%}
    {{ return(adapter.dispatch('generate_date_series', 'mdw')(relation, start_column, end_column, alias)) }}
{%- endmacro %}

{#- Fallback: a 4-digit number table (up to 10,000 days, 27 years) added to the start date. -#}
{% macro default__generate_date_series(relation, start_column, end_column, alias) -%}
    select
        cast({{ dbt.dateadd('day', 'digits.day_offset', relation ~ '.' ~ start_column) }} as date) as {{ alias }}
    from {{ relation }}
    cross join (
        select
            thousands.n * 1000 + hundreds.n * 100 + tens.n * 10 + ones.n as day_offset
        from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as ones (n)
        cross join (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as tens (n)
        cross join (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as hundreds (n)
        cross join (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as thousands (n)
    ) as digits
    where {{ dbt.dateadd('day', 'digits.day_offset', relation ~ '.' ~ start_column) }} <= {{ relation }}.{{ end_column }}
{%- endmacro %}

{% macro duckdb__generate_date_series(relation, start_column, end_column, alias) -%}
    select
        cast(days.day_value as date) as {{ alias }}
    from {{ relation }}
    cross join unnest(
        generate_series(
            cast({{ relation }}.{{ start_column }} as timestamp),
            cast({{ relation }}.{{ end_column }} as timestamp),
            interval 1 day
        )
    ) as days (day_value)
{%- endmacro %}

{% macro trino__generate_date_series(relation, start_column, end_column, alias) -%}
    select
        days.day_value as {{ alias }}
    from {{ relation }}
    cross join unnest(
        sequence(
            cast({{ relation }}.{{ start_column }} as date),
            cast({{ relation }}.{{ end_column }} as date),
            interval '1' day
        )
    ) as days (day_value)
{%- endmacro %}

{% macro athena__generate_date_series(relation, start_column, end_column, alias) -%}
    {{ trino__generate_date_series(relation, start_column, end_column, alias) }}
{%- endmacro %}

{#-
    iso_day_of_week(column): 1 = Monday … 7 = Sunday.
-#}
{% macro iso_day_of_week(column) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'mdw')(column)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(column) -%}
    extract(isodow from {{ column }})
{%- endmacro %}

{% macro duckdb__iso_day_of_week(column) -%}
    isodow({{ column }})
{%- endmacro %}

{% macro trino__iso_day_of_week(column) -%}
    day_of_week({{ column }})
{%- endmacro %}

{% macro athena__iso_day_of_week(column) -%}
    day_of_week({{ column }})
{%- endmacro %}
