{#- DuckDB: DESCRIBE gives the column types as dbt-duckdb reports them; one information_schema for all catalogs. -#}

{% macro duckdb__mdw_columns_in_relation_sql(relation) -%}
select column_name, column_type as data_type from (describe {{ relation }})
{%- endmacro %}

{% macro duckdb__mdw_relation_type_sql(database, schema, identifier) -%}
select table_schema, table_name, case table_type when 'VIEW' then 'view' else 'table' end as type
from information_schema.tables
where lower(table_schema) = lower('{{ schema }}') and lower(table_name) = lower('{{ identifier }}')
{%- if database %} and lower(table_catalog) = lower('{{ database }}'){% endif %}
{%- endmacro %}
