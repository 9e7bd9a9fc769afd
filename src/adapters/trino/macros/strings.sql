{#- trino implementations of the dispatched macros in include/macros/strings.sql. -#}

{% macro trino__concat(fields) -%}
  concat({{ fields | join(', ') }})
{%- endmacro %}

{% macro trino__hash(field) -%}
  lower(to_hex(md5(to_utf8(cast({{ field }} as varchar)))))
{%- endmacro %}

{#- Trino has no right(); substr with a negative start counts from the end (0 chars is a special case). -#}
{% macro trino__right(string_text, length_expression) -%}
  case when ({{ length_expression }}) = 0 then '' else substr({{ string_text }}, -({{ length_expression }})) end
{%- endmacro %}

{% macro trino__any_value(expression) -%}
  arbitrary({{ expression }})
{%- endmacro %}

{% macro trino__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
    array_join(slice(array_agg({{ measure }} {{ order_by_clause or '' }}), 1, {{ limit_num }}), {{ delimiter_text }})
  {%- else -%}
    array_join(array_agg({{ measure }} {{ order_by_clause or '' }}), {{ delimiter_text }})
  {%- endif -%}
{%- endmacro %}
