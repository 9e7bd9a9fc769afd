{#- duckdb implementations of the dispatched macros in include/macros/datetime.sql. -#}

{% macro duckdb__current_timestamp() -%}
  now()
{%- endmacro %}

{#- dbt-duckdb counts weeks from Sunday: whole days // 7, plus one when the second date's weekday
    (Sunday = 0) comes before the first's, so Saturday -> Sunday is one week and Sunday -> Monday
    none. The other parts are date_diff's boundary counts on timestamps. -#}
{% macro duckdb__datediff(first_date, second_date, datepart) -%}
  {%- if datepart == 'week' -%}
    ({{ dbt.datediff(first_date, second_date, 'day') }} // 7 + case
      when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp)
        then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end
      else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end
    end)
  {%- else -%}
    (date_diff('{{ datepart }}', ({{ first_date }})::timestamp, ({{ second_date }})::timestamp))
  {%- endif -%}
{%- endmacro %}
