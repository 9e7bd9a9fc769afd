{#-
    Sales without a SalesDate (reject_reason = 'missing_sales_at') cannot be dated, so they
    are left out of the fact. The published file has about 1 % of them; this test warns when
    their share of all staged sales exceeds the var max_undated_sales_share (default 2 %).
-#}
{{
    config(
        severity='warn'
    )
}}

with sales as (
    select
        case when reject_reason = 'missing_sales_at' then 1 else 0 end as is_undated
    from {{ ref('mdw_stg_sales') }}
),

shares as (
    select
        count(*) as sales_count,
        sum(is_undated) as undated_count
    from sales
)

select
    sales_count,
    undated_count
from shares
where undated_count > sales_count * {{ var('max_undated_sales_share', 0.02) }}
