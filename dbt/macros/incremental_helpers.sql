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
        "partition" in ('{{ partitions | join("', '") }}')
    {%- endif -%}
{%- endmacro %}

{#-
    changed_rows(relation, partitions): the rows of relation in the given partitions, as
    `(select * from <relation> where "partition" in (...))`, the form mdw narrows data tests
    to, so the run's readers of a narrowed staging view share one copy of those rows (view
    reuse); the relation itself when partitions is none.
-#}
{% macro changed_rows(relation, partitions) -%}
    {%- if partitions is none -%}
        {{ relation }}
    {%- else -%}
        (select * from {{ relation }} where {{ partition_filter(partitions) }})
    {%- endif -%}
{%- endmacro %}

{#-
    check_holds(check): runs `check`, a query whose first row's first column is 1 when the
    condition holds (0 otherwise); false at parse time. The runner of the lifetime summaries'
    and first-seen tables' checks before an incremental run.
-#}
{% macro check_holds(check) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set result = run_query(check) -%}
    {{ return(result.columns[0].values()[0] | int == 1) }}
{%- endmacro %}

{#-
    lifetime_totals_extend(summary, fact, changed_days): true when a lifetime summary built
    from `fact` can be brought up to date by adding the fact's rows of changed_days to the
    totals it holds (the summaries' incremental runs), false when it must be rebuilt from
    the whole fact. It can when every changed day comes after the last sales day the summary
    counted (so no sale it counted was replaced or moved: the days of replaced rows are
    changed days too) and the summary's totals equal the fact's outside the changed days
    (same number of sales, same net amount: no run of the fact was missed). No changed day
    (the fact's run added nothing): true when the totals equal the whole fact's.
    changed_days none (unknown): false.
-#}
{% macro lifetime_totals_extend(summary, fact, changed_days) -%}
    {%- if changed_days is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set check -%}
        with counted as (
            select
                coalesce(sum(sales_count), 0) as sales_count,
                coalesce(sum(net_amount), 0) as net_amount,
                max(last_sales_date) as last_sales_date
            from {{ summary }}
        ),

        earlier as (
            select
                count(*) as sales_count,
                coalesce(sum(net_amount), 0) as net_amount
            from {{ fact }}
            where not ({{ partition_filter(changed_days) }})
        )

        select
            case
                when counted.sales_count = earlier.sales_count
                    and counted.net_amount = earlier.net_amount
                    {%- if changed_days %}
                    and (
                        counted.last_sales_date is null
                        or {{ generate_partition('counted.last_sales_date') }} < '{{ changed_days | min }}'
                    )
                    {%- endif %}
                    then 1
                else 0
            end as extends
        from counted
        cross join earlier
    {%- endset -%}
    {{ return(check_holds(check)) }}
{%- endmacro %}
