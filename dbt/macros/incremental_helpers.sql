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
    settled_input(relation): true when mdw knows that `relation` (a table, snapshot or seed this
    model reads, or this model itself) holds what this model read (wrote) at its last
    successful build, except for the partitions that this invocation's own run of it changed
    and listed (changed_partitions). Targets that tell tables apart by their catalog version
    (the local lakehouse and Athena: a new Iceberg metadata file per commit) publish them in
    the var mdw_settled_inputs ({model name: [relation names]}); elsewhere, and under dbt,
    false: the callers then check the data instead.
-#}
{% macro settled_input(relation) -%}
    {%- set published = var('mdw_settled_inputs', {}) -%}
    {%- set settled = published[model.name] if published is mapping and model.name in published else [] -%}
    {{ return(relation.identifier in settled) }}
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
    {%- if changed_days is not none and settled_input(fact) and settled_input(summary) -%}
        {{ return(lifetime_totals_precede(summary, changed_days)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('lifetime_totals_extend', 'mdw')(summary, fact, changed_days)) }}
{%- endmacro %}

{#-
    lifetime_totals_precede(summary, changed_days): lifetime_totals_extend when mdw knows
    (settled_input) that the summary holds what its last build wrote, from the fact as it was
    before this invocation's run of it, which changed the changed days only: the totals are
    the fact's outside the changed days when every changed day comes after the last sales day
    counted (then the fact had no counted row on a changed day). Reads one column of the
    summary, none of the fact.
-#}
{% macro lifetime_totals_precede(summary, changed_days) -%}
    {{ return(last_day_precedes(summary, generate_partition('max(last_sales_date)'), changed_days)) }}
{%- endmacro %}

{#-
    last_day_precedes(relation, last_day, changed_days): true when `last_day`, an aggregate
    over relation giving a day as YYYYMMDD (NULL when it holds none), comes before every
    changed day, or when there is no changed day.
-#}
{% macro last_day_precedes(relation, last_day, changed_days) -%}
    {%- if changed_days | length == 0 -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set check -%}
        select
            case
                when {{ last_day }} is null
                    or {{ last_day }} < '{{ changed_days | min }}'
                    then 1
                else 0
            end as extends
        from {{ relation }}
    {%- endset -%}
    {{ return(check_holds(check)) }}
{%- endmacro %}

{% macro default__lifetime_totals_extend(summary, fact, changed_days) -%}
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


{#-
    Athena bills (and the local stack reports) the Parquet footer of every file a query opens:
    the default check's count and net amount of the fact's earlier days open one file per day.
    This version reads Iceberg metadata only (manifests, no data file):
    - the earlier days' sales count is the sum of their record_count in `fact$partitions`
      (exact while the fact has no row-level delete files; with some, it counts more rows than
      the fact holds, the counts differ and the summary is rebuilt: only slower);
    - instead of the net amount (a fingerprint of replaced rows), no fact write since the
      summary's last commit touched a day outside the changed days (macro
      iceberg_writes_outside): a missed run of the fact, or a replaced or deleted day, wrote a
      manifest reaching such a day, which makes the check false.
-#}
{% macro athena__lifetime_totals_extend(summary, fact, changed_days) -%}
    {%- if changed_days is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set check -%}
        with counted as (
            select
                coalesce(sum(sales_count), 0) as sales_count,
                max(last_sales_date) as last_sales_date
            from {{ summary }}
        ),

        earlier as (
            select
                coalesce(sum(record_count), 0) as sales_count
            from {{ iceberg_metadata_table(fact, 'partitions') }}
            where not ({{ partition_filter(changed_days) | replace('"partition"', '"partition"."partition"') }})
        ),

        moved as (
            {{ iceberg_writes_outside(fact, summary, changed_days) }}
        )

        select
            case
                when counted.sales_count = earlier.sales_count
                    and moved.writes = 0
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
        cross join moved
    {%- endset -%}
    {{ return(check_holds(check)) }}
{%- endmacro %}

{#-
    iceberg_metadata_table(relation, name): the Iceberg metadata table `name` of relation
    (partitions, manifests, snapshots), which Athena and Trino read from the table's metadata
    files, not its data files.
-#}
{% macro iceberg_metadata_table(relation, name) -%}
    "{{ relation.database }}"."{{ relation.schema }}"."{{ relation.identifier }}${{ name }}"
{%- endmacro %}

{#-
    iceberg_writes_outside(fact, table, changed_days): a query of one row, column `writes`: the
    number of the fact's live manifests written by a commit after `table`'s last commit whose
    partition range reaches outside [first, last] of changed_days (every manifest, when
    changed_days is empty). 0 means: since `table` was last written, the fact's writes touched
    the changed days only (a write that replaces, deletes or adds rows of a day writes a
    manifest covering that day). A manifest merge or compaction of the fact also counts: the
    caller then rebuilds, which is only slower. Days between first and last that did not change
    pass this check; the callers' other conditions (every changed day after the last day
    counted) reject them.
-#}
{% macro iceberg_writes_outside(fact, table, changed_days) -%}
    select
        count(*) as writes
    from {{ iceberg_metadata_table(fact, 'manifests') }}
    where added_snapshot_id in (
            select
                snapshot_id
            from {{ iceberg_metadata_table(fact, 'snapshots') }}
            where committed_at > (
                select
                    max(committed_at)
                from {{ iceberg_metadata_table(table, 'snapshots') }}
            )
        )
        {%- if changed_days %}
        and any_match(
            partition_summaries,
            day -> day.contains_null
                or day.lower_bound is null
                or day.upper_bound is null
                or day.lower_bound < '{{ changed_days | min }}'
                or day.upper_bound > '{{ changed_days | max }}'
        )
        {%- endif %}
{%- endmacro %}
