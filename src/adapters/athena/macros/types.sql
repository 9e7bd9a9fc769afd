{#- athena implementations of the dispatched macros in include/macros/types.sql. -#}

{#- dbt-athena: a value that does not convert becomes null. -#}
{% macro athena__safe_cast(field, type) -%}
  try_cast({{ field }} as {{ type }})
{%- endmacro %}
