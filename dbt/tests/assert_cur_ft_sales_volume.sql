{#-
    Volume of the fact: it must hold at least var min_fact_sales rows (default 1), and at
    least as many sales as staging has valid ones. An emptied or truncated landing file
    that got past the other guards (e.g. with mdw_allow_shrink) fails here, never silently.
    In a daily run both sides are scoped (meta mdw_test_scope of the two models): the sales
    of the landing folders brought in against the fact's changed days, which hold every one
    of them (the day of every sale merged is a changed day). A daily run that brings in no
    new day changes none, scopes both sides to nothing, and has no minimum to check.
-#}
{{
    config(
        severity='error'
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
where {% set fact_days = changed_partitions('mdw_cur_ft_sales') %}{% if fact_days is not none and fact_days | length == 0 %}false{% else %}fact.fact_sales < {{ var('min_fact_sales', 1) }}{% endif %}
    or fact.fact_sales < staged.valid_staged_sales
