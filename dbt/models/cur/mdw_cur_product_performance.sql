{#-
    Product performance: one row per product (current version of mdw_std_dim_products,
    including the unknown member), with its lifetime sales over every product version and
    its revenue rank overall and within its category. Products without sales have zero
    counts and amounts. Not partitioned (one small row per product).
    Incremental, exact: when the fact's run in this invocation only added days after every
    day counted (macro lifetime_totals_extend), the run reads the fact's changed days and
    adds them to the totals the table holds; a distinct count grows by the pairs of those
    days not seen on an earlier day, looked up in the earlier sales of the same transactions
    only. Every row is rewritten (current names, ranks). Otherwise it is rebuilt from
    the whole fact.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='product_id',
        table_type='iceberg'
    )
}}

{%- set changed_days = changed_partitions('mdw_cur_ft_sales') if is_incremental() else none %}
{%- set additive = is_incremental() and lifetime_totals_extend(this, ref('mdw_cur_ft_sales'), changed_days) %}

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
    {%- if additive %}
    where {{ partition_filter(changed_days) }}
    {%- endif %}
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

{% if not additive %}
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
{% else %}
new_sales as (
    select
        product_versions.product_id as product_id,
        sales.transaction_number as transaction_number,
        sales.quantity as quantity,
        sales.gross_amount as gross_amount,
        sales.discount_amount as discount_amount,
        sales.net_amount as net_amount,
        sales.sales_date as sales_date
    from sales
    inner join product_versions
        on product_versions.product_key = sales.product_key
),

{#- The earlier sales that could share a pair with a new one: the same transactions. #}
earlier_matches as (
    select
        product_key,
        transaction_number
    from {{ ref('mdw_cur_ft_sales') }}
    where not ({{ partition_filter(changed_days) }})
        and transaction_number in (select new_sales.transaction_number from new_sales)
),

earlier_sales as (
    select
        product_versions.product_id as product_id,
        earlier_matches.transaction_number as transaction_number
    from earlier_matches
    inner join product_versions
        on product_versions.product_key = earlier_matches.product_key
),

new_transactions as (
    select
        product_id,
        count(*) as transaction_count
    from (
        select distinct
            product_id,
            transaction_number
        from new_sales
        where transaction_number is not null
    ) as pairs
    where not exists (
        select 1
        from earlier_sales
        where earlier_sales.product_id = pairs.product_id
            and earlier_sales.transaction_number = pairs.transaction_number
    )
    group by
        product_id
),

added_sales as (
    select
        product_id,
        count(*) as sales_count,
        sum(quantity) as quantity,
        sum(gross_amount) as gross_amount,
        sum(discount_amount) as discount_amount,
        sum(net_amount) as net_amount,
        min(sales_date) as first_sales_date,
        max(sales_date) as last_sales_date
    from new_sales
    group by
        product_id
),

counted_sales as (
    select
        product_id,
        sales_count,
        transaction_count,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        first_sales_date,
        last_sales_date
    from {{ this }}
    where sales_count > 0
),

product_sales as (
    select
        coalesce(counted_sales.product_id, added_sales.product_id) as product_id,
        coalesce(counted_sales.sales_count, 0) + coalesce(added_sales.sales_count, 0) as sales_count,
        coalesce(counted_sales.transaction_count, 0) + coalesce(new_transactions.transaction_count, 0) as transaction_count,
        coalesce(counted_sales.quantity, 0) + coalesce(added_sales.quantity, 0) as quantity,
        coalesce(counted_sales.gross_amount, 0) + coalesce(added_sales.gross_amount, 0) as gross_amount,
        coalesce(counted_sales.discount_amount, 0) + coalesce(added_sales.discount_amount, 0) as discount_amount,
        coalesce(counted_sales.net_amount, 0) + coalesce(added_sales.net_amount, 0) as net_amount,
        coalesce(least(counted_sales.first_sales_date, added_sales.first_sales_date), counted_sales.first_sales_date, added_sales.first_sales_date) as first_sales_date,
        coalesce(greatest(counted_sales.last_sales_date, added_sales.last_sales_date), counted_sales.last_sales_date, added_sales.last_sales_date) as last_sales_date
    from counted_sales
    full outer join added_sales
        on added_sales.product_id = counted_sales.product_id
    left join new_transactions
        on new_transactions.product_id = coalesce(counted_sales.product_id, added_sales.product_id)
),
{% endif %}

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
