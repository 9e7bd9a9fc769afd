{#- athena implementations of the dispatched macros in include/macros/strings.sql. -#}

{% macro athena__concat(fields) -%}
  {{ trino__concat(fields) }}
{%- endmacro %}

{% macro athena__hash(field) -%}
  {{ trino__hash(field) }}
{%- endmacro %}

{% macro athena__right(string_text, length_expression) -%}
  {{ trino__right(string_text, length_expression) }}
{%- endmacro %}

{% macro athena__any_value(expression) -%}
  {{ trino__any_value(expression) }}
{%- endmacro %}

{% macro athena__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {{ trino__listagg(measure, delimiter_text, order_by_clause, limit_num) }}
{%- endmacro %}
