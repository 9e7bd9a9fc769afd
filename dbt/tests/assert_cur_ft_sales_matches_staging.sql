{#-
    Reconciliation: every valid staged sale (mdw_stg_sales.reject_reason is NULL) appears
    exactly once in mdw_cur_ft_sales, and the fact holds nothing else. Returns one row per
    sales_id in breach, with the problem.
    In a daily run both sides are scoped (meta mdw_test_scope of the two models): the valid
    sales of the landing folders brought in, and the fact's changed days. A fact sale missing
    from scoped staging is then reported only on a day that is one of those folders: a sale
    never lands before its day, so the other sales of such a day came from folders not read.
-#}
with staged_sales as (
    select
        sales_id,
        partition
    from {{ ref('mdw_stg_sales') }}
    where reject_reason is null
),

landing_days as (
    select distinct
        partition
    from staged_sales
    where partition is not null
),

fact_sales as (
    select
        sales_id,
        min(partition) as partition,
        count(*) as fact_row_count
    from {{ ref('mdw_cur_ft_sales') }}
    group by
        sales_id
),

compared as (
    select
        coalesce(staged_sales.sales_id, fact_sales.sales_id) as sales_id,
        case
            when fact_sales.sales_id is null then 'valid_staged_sale_missing_in_fact'
            when staged_sales.sales_id is null
                and (
                    fact_sales.partition in (select landing_days.partition from landing_days)
                    or not exists (select 1 from landing_days)
                ) then 'fact_sale_not_a_valid_staged_sale'
            when fact_sales.fact_row_count > 1 then 'sale_duplicated_in_fact'
        end as problem,
        fact_sales.fact_row_count as fact_row_count
    from staged_sales
    full outer join fact_sales
        on fact_sales.sales_id = staged_sales.sales_id
)

select
    sales_id,
    problem,
    fact_row_count
from compared
where problem is not null
