{#-
    Reconciliation: every valid staged sale (mdw_stg_sales.reject_reason is NULL) appears
    exactly once in mdw_cur_ft_sales, and the fact holds nothing else. Returns one row per
    sales_id in breach, with the problem. It compares with all of staging, so it reads the
    whole fact in every run (meta mdw_test_scope: all).
-#}
{{
    config(
        meta={'mdw_test_scope': 'all'}
    )
}}

with staged_sales as (
    select
        sales_id
    from {{ ref('mdw_stg_sales') }}
    where reject_reason is null
),

fact_sales as (
    select
        sales_id,
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
            when staged_sales.sales_id is null then 'fact_sale_not_a_valid_staged_sale'
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
