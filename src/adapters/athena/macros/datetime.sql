{#- athena implementations of the dispatched macros in include/macros/datetime.sql. -#}

{% macro athena__dateadd(datepart, interval, from_date_or_timestamp) -%}
  {{ trino__dateadd(datepart, interval, from_date_or_timestamp) }}
{%- endmacro %}
