{#- trino implementations of the dispatched macros in include/macros/types.sql. -#}

{% macro trino__type_timestamp() -%}timestamp(6){%- endmacro %}

{#- dbt-trino: a value that does not convert becomes null. -#}
{% macro trino__safe_cast(field, type) -%}
  try_cast({{ field }} as {{ type }})
{%- endmacro %}
