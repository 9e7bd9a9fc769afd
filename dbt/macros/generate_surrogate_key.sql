{#-
    generate_surrogate_key(columns)

    A stable surrogate key: the md5 hash, as 32 lower-case hex characters, of the given
    column expressions cast to varchar, joined with '-', where a NULL becomes the fixed
    token '_mdw_null_'. The value is identical on DuckDB, Trino and Athena for the same
    inputs (integers and dates cast to the same text on all three), so keys built on one
    engine can be compared with keys built on another.

        generate_surrogate_key(['customer_id', 'version_number'])
        -- duckdb:        md5(coalesce(cast(customer_id as varchar), '_mdw_null_') || '-' || ...)
        -- trino/athena:  lower(to_hex(md5(to_utf8(...))))

    `columns` is a list of SQL expressions (a single string is accepted too).
-#}
{% macro generate_surrogate_key(columns) -%}
    {{ return(adapter.dispatch('generate_surrogate_key', 'mdw')(columns)) }}
{%- endmacro %}

{#- The text that is hashed: engine-neutral (cast, coalesce, ||). -#}
{% macro surrogate_key_text(columns) -%}
    {%- if columns is string -%}
        {%- set columns = [columns] -%}
    {%- endif -%}
    {%- for column in columns -%}
        coalesce(cast({{ column }} as varchar), '_mdw_null_')
        {%- if not loop.last %} || '-' || {% endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro default__generate_surrogate_key(columns) -%}
    md5({{ surrogate_key_text(columns) }})
{%- endmacro %}

{% macro duckdb__generate_surrogate_key(columns) -%}
    md5({{ surrogate_key_text(columns) }})
{%- endmacro %}

{% macro trino__generate_surrogate_key(columns) -%}
    lower(to_hex(md5(to_utf8({{ surrogate_key_text(columns) }}))))
{%- endmacro %}

{% macro athena__generate_surrogate_key(columns) -%}
    lower(to_hex(md5(to_utf8({{ surrogate_key_text(columns) }}))))
{%- endmacro %}

{#-
    unknown_member_key()

    The surrogate key of every dimension's "unknown" member (the key of the business key -1):
    md5('-1') = '6bb61e3b7bce0931da574d19d1d82c88'. Facts point to it when no dimension
    version matches.
-#}
{% macro unknown_member_key() -%}
    {{ generate_surrogate_key(["'-1'"]) }}
{%- endmacro %}
