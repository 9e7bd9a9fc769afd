{#-
    Orphan foreign keys (severity warn): sales of mdw_cur_ft_sales that point to a
    dimension's unknown member because no customer / product / employee version matched
    their business key at sale time. One row per dimension and orphan business key, with the
    number of sales. Passes on clean data (every key resolves); the rows are stored in
    mdw_dqm.
-#}
{{
    config(
        severity='warn',
        store_failures=true
    )
}}

with sales as (
    select
        customer_key,
        product_key,
        employee_key,
        customer_id,
        product_id,
        employee_id
    from {{ ref('mdw_cur_ft_sales') }}
),

orphans as (
    select
        'mdw_std_dim_customers' as dimension_name,
        customer_id as business_key,
        count(*) as sales_count
    from sales
    where customer_key = {{ unknown_member_key() }}
    group by
        customer_id

    union all

    select
        'mdw_std_dim_products' as dimension_name,
        product_id as business_key,
        count(*) as sales_count
    from sales
    where product_key = {{ unknown_member_key() }}
    group by
        product_id

    union all

    select
        'mdw_std_dim_employees' as dimension_name,
        employee_id as business_key,
        count(*) as sales_count
    from sales
    where employee_key = {{ unknown_member_key() }}
    group by
        employee_id
)

select
    dimension_name,
    business_key,
    sales_count
from orphans
