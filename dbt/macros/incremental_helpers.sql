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

{#-
    changed_partitions(model_name): the partitions of model_name that this invocation's
    incremental run of it changed, as a list of strings; none when unknown (the model was
    rebuilt whole, or not built in this invocation, or the project runs under dbt), which
    means: treat every partition as changed. mdw publishes them in the var
    mdw_changed_partitions ({model name: [partition values]}) as each incremental model
    finishes.
-#}
{% macro changed_partitions(model_name) -%}
    {%- set published = var('mdw_changed_partitions', {}) -%}
    {%- if published is mapping and model_name in published -%}
        {{ return(published[model_name] | list) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#-
    partition_filter(partitions): a condition on `partition` keeping the given values; true
    when partitions is none (every partition), false when it is empty (none changed).
-#}
{% macro partition_filter(partitions) -%}
    {%- if partitions is none -%}
        1 = 1
    {%- elif partitions | length == 0 -%}
        1 = 0
    {%- else -%}
        partition in ('{{ partitions | join("', '") }}')
    {%- endif -%}
{%- endmacro %}
