{#-
    Category daily sales: one row per sales day and product category (the category of the
    product version valid at sale time), partitioned by day. Incremental: a run replaces
    only the days (partitions) the fact's incremental run changed in the same invocation
    (macro changed_partitions); every day otherwise.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='partition',
        table_type='iceberg',
        partition_by=['partition']
    )
}}

{#- An incremental run recomputes only the days the fact's run changed (all when unknown). -#}
{%- set changed_days = changed_partitions('mdw_cur_ft_sales') if is_incremental() else none %}

with sales as (
    select
        product_key,
        sales_date,
        transaction_number,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        partition
    from {{ ref('mdw_cur_ft_sales') }}
    where {{ partition_filter(changed_days) }}
),

products as (
    select
        product_key,
        category_id,
        category_name
    from {{ ref('mdw_std_dim_products') }}
),

category_daily as (
    select
        sales.sales_date as sales_date,
        products.category_id as category_id,
        products.category_name as category_name,
        count(*) as sales_count,
        count(distinct sales.transaction_number) as transaction_count,
        sum(sales.quantity) as quantity,
        sum(sales.gross_amount) as gross_amount,
        sum(sales.discount_amount) as discount_amount,
        sum(sales.net_amount) as net_amount,
        sales.partition as partition
    from sales
    inner join products
        on products.product_key = sales.product_key
    group by
        sales.sales_date,
        products.category_id,
        products.category_name,
        sales.partition
)

select
    sales_date,
    category_id,
    category_name,
    sales_count,
    transaction_count,
    quantity,
    gross_amount,
    discount_amount,
    net_amount,
    partition
from category_daily
