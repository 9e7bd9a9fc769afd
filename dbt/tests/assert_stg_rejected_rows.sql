{#-
    Data quality report of the sales staging (severity warn): one row per problem, with the
    number of raw rows concerned. Passes on clean data, warns on dirty data; the failing rows
    are stored in mdw_dqm. The reference data's report is assert_stg_reference_rejected_rows:
    the two are apart because sales land daily while the reference files rarely change, so on
    an added day this one reads the new day and that one is reused (unchanged inputs).

    * reject_reason = <code>: rows kept in staging whose reject_reason is set (left out of
      the fact). missing_sales_at is not reported here: the published file has about 1 % of
      sales without a date by design; assert_stg_sales_undated_share watches its share.
    * dropped_in_staging: raw row count minus staged row count — rows dropped for a
      duplicate, missing or unparseable primary key, and rows the CSV reader skipped as
      undecodable (invalid UTF-8: they are counted by count(*) but yield no values).

    In a daily run that brings in only some landing folders, mdw_stg_sales is read for those
    folders only (its meta mdw_test_scope), and so is the raw sales source (macro
    changed_partitions).
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
),

raw_rows as (
    select
        'mdw_stg_sales' as model_name,
        count(*) as row_count
    from {{ source('grocery', 'sales') }}
    where {{ partition_filter(changed_partitions('mdw_stg_sales')) }}
),

{{ rejection_report(ignored_reasons=['missing_sales_at']) }}
