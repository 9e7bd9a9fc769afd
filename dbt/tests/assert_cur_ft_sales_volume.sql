{#-
    Volume of the fact: it must hold at least var min_fact_sales rows (default 1), and at
    least as many sales as staging has valid ones. An emptied or truncated landing file
    that got past the other guards (e.g. with mdw_allow_shrink) fails here, never silently.
    It compares with all of staging, so it reads the whole fact in every run (meta
    mdw_test_scope: all).
-#}
{{
    config(
        severity='error',
        meta={'mdw_test_scope': 'all'}
    )
}}

with fact as (
    select count(*) as fact_sales from {{ ref('mdw_cur_ft_sales') }}
),

staged as (
    select count(*) as valid_staged_sales
    from {{ ref('mdw_stg_sales') }}
    where reject_reason is null
)

select
    fact.fact_sales,
    staged.valid_staged_sales
from fact
cross join staged
where fact.fact_sales < {{ var('min_fact_sales', 1) }}
    or fact.fact_sales < staged.valid_staged_sales
