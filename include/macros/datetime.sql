{#- Cross-database date/time macros. Each dispatches, so a project (or package) can override
    one dialect by defining <adapter>__<name> or default__<name>. -#}

{% macro current_timestamp() -%}
  {{ return(adapter.dispatch('current_timestamp', 'dbt')()) }}
{%- endmacro %}

{% macro default__current_timestamp() -%}
  current_timestamp
{%- endmacro %}


{% macro date_trunc(datepart, date) -%}
  {{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}
{%- endmacro %}

{% macro default__date_trunc(datepart, date) -%}
  date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}


{#- dateadd: the result of adding `interval` (a number or an SQL expression) units of
    `datepart` to a date or timestamp expression. -#}
{% macro dateadd(datepart, interval, from_date_or_timestamp) -%}
  {{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro %}

{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
  ({{ from_date_or_timestamp }} + interval ({{ interval }}) {{ datepart }})
{%- endmacro %}


{#- datediff counts the `datepart` boundaries crossed between the two values (dbt's meaning):
    truncating both sides first turns "complete units between" into "boundaries crossed". -#}
{% macro datediff(first_date, second_date, datepart) -%}
  {{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}
{%- endmacro %}

{% macro default__datediff(first_date, second_date, datepart) -%}
  date_diff('{{ datepart }}', date_trunc('{{ datepart }}', cast({{ first_date }} as timestamp)), date_trunc('{{ datepart }}', cast({{ second_date }} as timestamp)))
{%- endmacro %}


{#- last_day: the last date of the `datepart` period (month, quarter, year) containing `date`. -#}
{% macro last_day(date, datepart) -%}
  {{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}
{%- endmacro %}

{% macro default__last_day(date, datepart) -%}
  cast({{ dateadd('day', '-1', dateadd(datepart, '1', date_trunc(datepart, date))) }} as date)
{%- endmacro %}


{#- date(year, month, day): a date literal. -#}
{% macro date(year, month, day) -%}
  {{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}
{%- endmacro %}

{% macro default__date(year, month, day) -%}
  date '{{ "%04d-%02d-%02d" | format(year | int, month | int, day | int) }}'
{%- endmacro %}
