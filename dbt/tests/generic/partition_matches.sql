{#-
    partition_matches(date_column): the tested column holds generate_partition(date_column),
    the YYYYMMDD day of the row. Fails on every row where it is NULL or another value.
-#}
{% test partition_matches(model, column_name, date_column) %}

with checked as (
    select
        {{ column_name }} as partition_value,
        {{ generate_partition(date_column) }} as expected_partition
    from {{ model }}
)

select
    partition_value,
    expected_partition
from checked
where partition_value is null
    or partition_value <> expected_partition

{% endtest %}
