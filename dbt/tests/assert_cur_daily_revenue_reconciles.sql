{#-
    Reconciliation: mdw_cur_daily_revenue adds up to mdw_cur_ft_sales — same number of sales,
    units and net revenue. Amounts are decimals, so the comparison is exact.
-#}
with fact_totals as (
    select
        count(*) as sales_count,
        sum(quantity) as quantity,
        sum(net_amount) as net_amount
    from {{ ref('mdw_cur_ft_sales') }}
),

daily_totals as (
    select
        sum(sales_count) as sales_count,
        sum(quantity) as quantity,
        sum(net_amount) as net_amount
    from {{ ref('mdw_cur_daily_revenue') }}
),

compared as (
    select
        fact_totals.sales_count as fact_sales_count,
        daily_totals.sales_count as daily_sales_count,
        fact_totals.quantity as fact_quantity,
        daily_totals.quantity as daily_quantity,
        fact_totals.net_amount as fact_net_amount,
        daily_totals.net_amount as daily_net_amount
    from fact_totals
    cross join daily_totals
)

select
    fact_sales_count,
    daily_sales_count,
    fact_quantity,
    daily_quantity,
    fact_net_amount,
    daily_net_amount
from compared
where coalesce(fact_sales_count, 0) <> coalesce(daily_sales_count, 0)
    or coalesce(fact_quantity, 0) <> coalesce(daily_quantity, 0)
    or coalesce(fact_net_amount, 0) <> coalesce(daily_net_amount, 0)
