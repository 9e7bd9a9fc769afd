{#- dbt's generic data tests. Each produces a SELECT of the failing rows; the runner counts
    them. `model` is the tested relation, already wrapped by get_where_subquery. -#}

{#- get_where_subquery(relation): the relation, or a subquery of it filtered by the test's
    `where` config. -#}
{% macro get_where_subquery(relation) -%}
  {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}

{#- Without a `where` it returns the relation itself, as dbt does: package tests such as
    dbt_utils.equality check that `model` is a Relation. -#}
{% macro default__get_where_subquery(relation) -%}
  {%- set where = config.get('where') if config is defined and config else none -%}
  {%- if where -%}
    {%- set filtered -%}
      (select * from {{ relation }} where {{ where }}) dbt_subquery
    {%- endset -%}
    {%- do return(filtered) -%}
  {%- else -%}
    {%- do return(relation) -%}
  {%- endif -%}
{%- endmacro %}


{#- unique: each value that occurs more than once, with its count (nulls are not duplicates). -#}
{% test unique(model, column_name) %}
  {{ return(adapter.dispatch('test_unique', 'dbt')(model, column_name)) }}
{% endtest %}

{% macro default__test_unique(model, column_name) -%}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endmacro %}


{#- not_null: the rows where the column is null. -#}
{% test not_null(model, column_name) %}
  {{ return(adapter.dispatch('test_not_null', 'dbt')(model, column_name)) }}
{% endtest %}

{% macro default__test_not_null(model, column_name) -%}
{%- set store_failures = config.get('store_failures') if config is defined and config else none -%}
select {{ '*' if store_failures else column_name }}
from {{ model }}
where {{ column_name }} is null
{%- endmacro %}


{#- accepted_values: each value outside the list, with its count (nulls are accepted). -#}
{% test accepted_values(model, column_name, values, quote=True) %}
  {{ return(adapter.dispatch('test_accepted_values', 'dbt')(model, column_name, values, quote)) }}
{% endtest %}

{% macro default__test_accepted_values(model, column_name, values, quote=True) -%}
with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select *
from all_values
where value_field not in (
    {%- for value in values -%}
      {%- if quote -%}
        '{{ value | string | replace("'", "''") }}'
      {%- else -%}
        {{ value }}
      {%- endif -%}
      {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
)
{%- endmacro %}


{#- relationships: each non-null child value with no matching parent row. -#}
{% test relationships(model, column_name, to, field) %}
  {{ return(adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field)) }}
{% endtest %}

{% macro default__test_relationships(model, column_name, to, field) -%}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parent as (
    select {{ field }} as to_field
    from {{ to }}
)
select child.from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null
{%- endmacro %}
