{#- duckdb implementations of the dispatched macros in include/macros/datetime.sql. -#}

{% macro duckdb__current_timestamp() -%}
  now()
{%- endmacro %}
