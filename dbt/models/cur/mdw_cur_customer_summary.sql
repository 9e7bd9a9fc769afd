{#-
    Customer summary: one row per customer (current version of mdw_std_dim_customers,
    including the unknown member) with lifetime purchases over every version. Customers
    without purchases have zero counts and amounts. Not partitioned (one row per customer;
    the table has no date to partition by).
-#}
{{
    config(
        table_type='iceberg'
    )
}}

with sales as (
    select
        customer_key,
        transaction_number,
        product_id,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        sales_date
    from {{ ref('mdw_cur_ft_sales') }}
),

customer_versions as (
    select
        customer_key,
        customer_id
    from {{ ref('mdw_std_dim_customers') }}
),

current_customers as (
    select
        customer_id,
        full_name,
        city_name,
        country_name
    from {{ ref('mdw_std_dim_customers') }}
    where is_current
),

customer_sales as (
    select
        customer_versions.customer_id as customer_id,
        count(*) as sales_count,
        count(distinct sales.transaction_number) as transaction_count,
        count(distinct sales.product_id) as product_count,
        sum(sales.quantity) as quantity,
        sum(sales.gross_amount) as gross_amount,
        sum(sales.discount_amount) as discount_amount,
        sum(sales.net_amount) as net_amount,
        min(sales.sales_date) as first_sales_date,
        max(sales.sales_date) as last_sales_date
    from sales
    inner join customer_versions
        on customer_versions.customer_key = sales.customer_key
    group by
        customer_versions.customer_id
),

summary as (
    select
        current_customers.customer_id as customer_id,
        current_customers.full_name as full_name,
        current_customers.city_name as city_name,
        current_customers.country_name as country_name,
        coalesce(customer_sales.sales_count, 0) as sales_count,
        coalesce(customer_sales.transaction_count, 0) as transaction_count,
        coalesce(customer_sales.product_count, 0) as product_count,
        coalesce(customer_sales.quantity, 0) as quantity,
        coalesce(customer_sales.gross_amount, 0) as gross_amount,
        coalesce(customer_sales.discount_amount, 0) as discount_amount,
        coalesce(customer_sales.net_amount, 0) as net_amount,
        customer_sales.first_sales_date as first_sales_date,
        customer_sales.last_sales_date as last_sales_date
    from current_customers
    left join customer_sales
        on customer_sales.customer_id = current_customers.customer_id
)

select
    customer_id,
    full_name,
    city_name,
    country_name,
    sales_count,
    transaction_count,
    product_count,
    quantity,
    gross_amount,
    discount_amount,
    net_amount,
    first_sales_date,
    last_sales_date
from summary
