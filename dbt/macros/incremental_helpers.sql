{#-
    Helpers of incremental models.
-#}

{#-
    loaded_partitions(relation): the values of `partition` the relation already holds, as a
    sorted list of strings (empty at parse time). An incremental model compiles them into
    its filter as literals, so the engine can prune the raw folders of loaded days before
    reading them (a filter on a subquery is not known before the scan starts).
-#}
{% macro loaded_partitions(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set result = run_query('select distinct partition from ' ~ relation ~ ' where partition is not null order by 1') -%}
    {{ return(result.columns[0].values() | map('string') | list) }}
{%- endmacro %}
