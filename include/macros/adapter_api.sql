{#- The SQL behind adapter.get_columns_in_relation and adapter.get_relation (dbt-functions.ts). -#}

{% macro mdw_columns_in_relation_sql(relation) -%}
  {{ return(adapter.dispatch('mdw_columns_in_relation_sql', 'dbt')(relation)) }}
{%- endmacro %}
{% macro default__mdw_columns_in_relation_sql(relation) -%}
select column_name, data_type
from {% if relation.database %}{{ adapter.quote(relation.database) }}.{% endif %}information_schema.columns
where lower(table_schema) = lower('{{ relation.schema }}') and table_name = '{{ relation.identifier }}'
order by ordinal_position
{%- endmacro %}

{% macro mdw_relation_type_sql(database, schema, identifier) -%}
  {{ return(adapter.dispatch('mdw_relation_type_sql', 'dbt')(database, schema, identifier)) }}
{%- endmacro %}
{% macro default__mdw_relation_type_sql(database, schema, identifier) -%}
select table_schema, table_name, case table_type when 'VIEW' then 'view' else 'table' end as type
from {% if database %}{{ adapter.quote(database) }}.{% endif %}information_schema.tables
where lower(table_schema) = lower('{{ schema }}') and lower(table_name) = lower('{{ identifier }}')
{%- endmacro %}
