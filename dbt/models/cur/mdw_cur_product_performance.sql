{#-
    Product performance: one row per product (current version of mdw_std_dim_products,
    including the unknown member), with its lifetime sales over every product version and
    its revenue rank overall and within its category. Products without sales have zero
    counts and amounts. Not partitioned (one small row per product).
-#}
{{
    config(
        table_type='iceberg'
    )
}}

with sales as (
    select
        product_key,
        transaction_number,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        sales_date
    from {{ ref('mdw_cur_ft_sales') }}
),

product_versions as (
    select
        product_key,
        product_id
    from {{ ref('mdw_std_dim_products') }}
),

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

product_sales as (
    select
        product_versions.product_id as product_id,
        count(*) as sales_count,
        count(distinct sales.transaction_number) as transaction_count,
        sum(sales.quantity) as quantity,
        sum(sales.gross_amount) as gross_amount,
        sum(sales.discount_amount) as discount_amount,
        sum(sales.net_amount) as net_amount,
        min(sales.sales_date) as first_sales_date,
        max(sales.sales_date) as last_sales_date
    from sales
    inner join product_versions
        on product_versions.product_key = sales.product_key
    group by
        product_versions.product_id
),

performance as (
    select
        current_products.product_id as product_id,
        current_products.product_name as product_name,
        current_products.category_id as category_id,
        current_products.category_name as category_name,
        current_products.product_class as product_class,
        current_products.price as price,
        coalesce(product_sales.sales_count, 0) as sales_count,
        coalesce(product_sales.transaction_count, 0) as transaction_count,
        coalesce(product_sales.quantity, 0) as quantity,
        coalesce(product_sales.gross_amount, 0) as gross_amount,
        coalesce(product_sales.discount_amount, 0) as discount_amount,
        coalesce(product_sales.net_amount, 0) as net_amount,
        product_sales.first_sales_date as first_sales_date,
        product_sales.last_sales_date as last_sales_date
    from current_products
    left join product_sales
        on product_sales.product_id = current_products.product_id
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
