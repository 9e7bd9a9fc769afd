{#- trino implementations of the dispatched macros in include/macros/types.sql. -#}

{% macro trino__type_timestamp() -%}timestamp(6){%- endmacro %}
