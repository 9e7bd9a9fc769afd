{#-
    Data quality report of the staging layer (severity warn): one row per staging model and
    problem, with the number of raw rows concerned. Passes on clean data, warns on dirty
    data; the failing rows are stored in mdw_dqm.

    * reject_reason = <code>: rows kept in staging whose reject_reason is set (for sales:
      left out of the fact). missing_sales_at is not reported here: the published file has
      about 1 % of sales without a date by design; assert_stg_sales_undated_share watches
      its share.
    * dropped_in_staging: raw row count minus staged row count — rows dropped for a
      duplicate, missing or unparseable primary key, and rows the CSV reader skipped as
      undecodable (invalid UTF-8: they are counted by count(*) but yield no values).

    Each staging view and each raw table is read once. In a daily run that brings in only
    some landing folders, mdw_stg_sales is read for those folders only (its meta
    mdw_test_scope), and so is the raw sales source (macro changed_partitions).
-#}
{{
    config(
        severity='warn',
        store_failures=true
    )
}}

with staged_rows as (
    select
        'mdw_stg_sales' as model_name,
        reject_reason,
        count(*) as row_count
    from {{ ref('mdw_stg_sales') }}
    group by
        reject_reason

    union all

    select
        'mdw_stg_customers' as model_name,
        reject_reason,
        count(*) as row_count
    from {{ ref('mdw_stg_customers') }}
    group by
        reject_reason

    union all

    select
        'mdw_stg_employees' as model_name,
        reject_reason,
        count(*) as row_count
    from {{ ref('mdw_stg_employees') }}
    group by
        reject_reason

    union all

    select
        'mdw_stg_products' as model_name,
        reject_reason,
        count(*) as row_count
    from {{ ref('mdw_stg_products') }}
    group by
        reject_reason

    union all

    select
        'mdw_stg_categories' as model_name,
        reject_reason,
        count(*) as row_count
    from {{ ref('mdw_stg_categories') }}
    group by
        reject_reason

    union all

    select
        'mdw_stg_cities' as model_name,
        reject_reason,
        count(*) as row_count
    from {{ ref('mdw_stg_cities') }}
    group by
        reject_reason

    union all

    select
        'mdw_stg_countries' as model_name,
        reject_reason,
        count(*) as row_count
    from {{ ref('mdw_stg_countries') }}
    group by
        reject_reason
),

raw_rows as (
    select
        'mdw_stg_sales' as model_name,
        count(*) as row_count
    from {{ source('grocery', 'sales') }}
    where {{ partition_filter(changed_partitions('mdw_stg_sales')) }}

    union all

    select
        'mdw_stg_customers' as model_name,
        count(*) as row_count
    from {{ source('grocery', 'customers') }}

    union all

    select
        'mdw_stg_employees' as model_name,
        count(*) as row_count
    from {{ source('grocery', 'employees') }}

    union all

    select
        'mdw_stg_products' as model_name,
        count(*) as row_count
    from {{ source('grocery', 'products') }}

    union all

    select
        'mdw_stg_categories' as model_name,
        count(*) as row_count
    from {{ source('grocery', 'categories') }}

    union all

    select
        'mdw_stg_cities' as model_name,
        count(*) as row_count
    from {{ source('grocery', 'cities') }}

    union all

    select
        'mdw_stg_countries' as model_name,
        count(*) as row_count
    from {{ source('grocery', 'countries') }}
),

staged_counts as (
    select
        model_name,
        sum(row_count) as row_count
    from staged_rows
    group by
        model_name
),

dropped_rows as (
    select
        raw_rows.model_name as model_name,
        'dropped_in_staging' as reject_reason,
        raw_rows.row_count - staged_counts.row_count as row_count
    from raw_rows
    inner join staged_counts
        on staged_counts.model_name = raw_rows.model_name
),

problems as (
    select
        model_name,
        reject_reason,
        row_count
    from staged_rows
    where reject_reason is not null
        and reject_reason <> 'missing_sales_at'

    union all

    select
        model_name,
        reject_reason,
        row_count
    from dropped_rows
    where row_count <> 0
)

select
    model_name,
    reject_reason,
    row_count
from problems
