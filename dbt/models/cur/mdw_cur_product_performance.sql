{#-
    Product performance: one row per product (current version of mdw_std_dim_products,
    including the unknown member), with its lifetime sales over every product version and
    its revenue rank overall and within its category. Products without sales have zero
    counts and amounts. Not partitioned (one small row per product).
    Incremental, exact (macro lifetime_sales, shared by the three lifetime summaries): when
    the fact's run in this invocation only added days after every day counted, the run reads
    the fact's added days only and adds them to the totals the table holds; the distinct
    counts of (product, transaction) pairs grow by what the first-seen
    tables (mdw_cur_first_transactions) hold of those days: only
    the check before the run (macro lifetime_totals_extend) reads the fact's earlier days,
    their sales count and net amount. Every row is rewritten (current names, ranks).
    Otherwise (an earlier day changed, a transaction spanning days, a missed run) it is
    rebuilt from the whole fact.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='product_id',
        table_type='iceberg'
    )
}}

with {{ lifetime_sales(ref('mdw_cur_ft_sales'), ref('mdw_std_dim_products'), 'product_key', 'product_id', ref('mdw_cur_first_transactions')) }},

current_products as (
    select
        product_id,
        product_name,
        category_id,
        category_name,
        product_class,
        price
    from {{ ref('mdw_std_dim_products') }}
    where is_current
),

performance as (
    select
        current_products.product_id as product_id,
        current_products.product_name as product_name,
        current_products.category_id as category_id,
        current_products.category_name as category_name,
        current_products.product_class as product_class,
        current_products.price as price,
        {{- lifetime_totals() }}
    from current_products
    left join lifetime_sales
        on lifetime_sales.product_id = current_products.product_id
),

ranked as (
    select
        product_id,
        product_name,
        category_id,
        category_name,
        product_class,
        price,
        sales_count,
        transaction_count,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        first_sales_date,
        last_sales_date,
        rank() over (
            order by net_amount desc
        ) as revenue_rank,
        rank() over (
            partition by category_id
            order by net_amount desc
        ) as category_revenue_rank
    from performance
)

select
    product_id,
    product_name,
    category_id,
    category_name,
    product_class,
    price,
    sales_count,
    transaction_count,
    quantity,
    gross_amount,
    discount_amount,
    net_amount,
    first_sales_date,
    last_sales_date,
    revenue_rank,
    category_revenue_rank
from ranked
