{#- trino implementations of the dispatched macros in include/macros/datetime.sql. -#}

{% macro trino__dateadd(datepart, interval, from_date_or_timestamp) -%}
  date_add('{{ datepart }}', cast({{ interval }} as bigint), {{ from_date_or_timestamp }})
{%- endmacro %}
