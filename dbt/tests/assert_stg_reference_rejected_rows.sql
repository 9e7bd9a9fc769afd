{#-
    Data quality report of the reference data's staging (customers, employees, products,
    categories, cities, countries; severity warn): one row per staging model and problem,
    with the number of raw rows concerned. Passes on clean data, warns on dirty data; the
    failing rows are stored in mdw_dqm. Sales have their own report
    (assert_stg_rejected_rows), so that this one, over files that rarely change, is reused
    on an added day instead of reading every reference file again.

    * reject_reason = <code>: rows kept in staging whose reject_reason is set.
    * dropped_in_staging: raw row count minus staged row count — rows dropped for a
      duplicate, missing or unparseable primary key, and rows the CSV reader skipped as
      undecodable (invalid UTF-8: they are counted by count(*) but yield no values).

    Each staging view and each raw table is read once.
-#}
{{
    config(
        severity='warn',
        store_failures=true
    )
}}

with staged_rows as (
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

{{ rejection_report() }}
