{#-
    Customer summary: one row per customer (current version of mdw_std_dim_customers,
    including the unknown member) with lifetime purchases over every version. Customers
    without purchases have zero counts and amounts. Not partitioned (one row per customer;
    the table has no date to partition by).
    Incremental, exact: when the fact's run in this invocation only added days after every
    day counted (macro lifetime_totals_extend), the run reads the fact's changed days and
    adds them to the totals the table holds; a distinct count grows by the pairs (customer,
    transaction) and (customer, product) of those days not seen on an earlier day, looked up
    in the earlier sales of the same transactions and customers only. Every row is rewritten
    (current names, ranks). Otherwise it is rebuilt from the whole fact.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='customer_id',
        table_type='iceberg'
    )
}}

{%- set changed_days = changed_partitions('mdw_cur_ft_sales') if is_incremental() else none %}
{%- set additive = is_incremental() and lifetime_totals_extend(this, ref('mdw_cur_ft_sales'), changed_days) %}

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
    {%- if additive %}
    where {{ partition_filter(changed_days) }}
    {%- endif %}
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

{% if not additive %}
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
{% else %}
new_sales as (
    select
        customer_versions.customer_id as customer_id,
        sales.transaction_number as transaction_number,
        sales.product_id as product_id,
        sales.quantity as quantity,
        sales.gross_amount as gross_amount,
        sales.discount_amount as discount_amount,
        sales.net_amount as net_amount,
        sales.sales_date as sales_date
    from sales
    inner join customer_versions
        on customer_versions.customer_key = sales.customer_key
),

{#- Each new (customer, product) pair under every key of the customer's versions. #}
new_product_keys as (
    select distinct
        customer_versions.customer_key as customer_key,
        new_sales.product_id as product_id
    from new_sales
    inner join customer_versions
        on customer_versions.customer_id = new_sales.customer_id
),

{#- The earlier sales that could share a pair with a new one: the same transaction, or the same
    customer and product (a hash lookup of the few new pairs during the scan; the dimension is
    joined to what they keep). #}
earlier_matches as (
    select
        customer_key,
        transaction_number,
        product_id
    from {{ ref('mdw_cur_ft_sales') }}
    where not ({{ partition_filter(changed_days) }})
        and transaction_number in (select new_sales.transaction_number from new_sales)

    union all

    select
        earlier.customer_key as customer_key,
        earlier.transaction_number as transaction_number,
        earlier.product_id as product_id
    from {{ ref('mdw_cur_ft_sales') }} as earlier
    inner join new_product_keys
        on new_product_keys.customer_key = earlier.customer_key
        and new_product_keys.product_id = earlier.product_id
    where not ({{ partition_filter(changed_days) }})
),

earlier_sales as (
    select
        customer_versions.customer_id as customer_id,
        earlier_matches.transaction_number as transaction_number,
        earlier_matches.product_id as product_id
    from earlier_matches
    inner join customer_versions
        on customer_versions.customer_key = earlier_matches.customer_key
),

new_transactions as (
    select
        customer_id,
        count(*) as transaction_count
    from (
        select distinct
            customer_id,
            transaction_number
        from new_sales
        where transaction_number is not null
    ) as pairs
    where not exists (
        select 1
        from earlier_sales
        where earlier_sales.customer_id = pairs.customer_id
            and earlier_sales.transaction_number = pairs.transaction_number
    )
    group by
        customer_id
),

new_products as (
    select
        customer_id,
        count(*) as product_count
    from (
        select distinct
            customer_id,
            product_id
        from new_sales
        where product_id is not null
    ) as pairs
    where not exists (
        select 1
        from earlier_sales
        where earlier_sales.customer_id = pairs.customer_id
            and earlier_sales.product_id = pairs.product_id
    )
    group by
        customer_id
),

added_sales as (
    select
        customer_id,
        count(*) as sales_count,
        sum(quantity) as quantity,
        sum(gross_amount) as gross_amount,
        sum(discount_amount) as discount_amount,
        sum(net_amount) as net_amount,
        min(sales_date) as first_sales_date,
        max(sales_date) as last_sales_date
    from new_sales
    group by
        customer_id
),

counted_sales as (
    select
        customer_id,
        sales_count,
        transaction_count,
        product_count,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        first_sales_date,
        last_sales_date
    from {{ this }}
    where sales_count > 0
),

customer_sales as (
    select
        coalesce(counted_sales.customer_id, added_sales.customer_id) as customer_id,
        coalesce(counted_sales.sales_count, 0) + coalesce(added_sales.sales_count, 0) as sales_count,
        coalesce(counted_sales.transaction_count, 0) + coalesce(new_transactions.transaction_count, 0) as transaction_count,
        coalesce(counted_sales.product_count, 0) + coalesce(new_products.product_count, 0) as product_count,
        coalesce(counted_sales.quantity, 0) + coalesce(added_sales.quantity, 0) as quantity,
        coalesce(counted_sales.gross_amount, 0) + coalesce(added_sales.gross_amount, 0) as gross_amount,
        coalesce(counted_sales.discount_amount, 0) + coalesce(added_sales.discount_amount, 0) as discount_amount,
        coalesce(counted_sales.net_amount, 0) + coalesce(added_sales.net_amount, 0) as net_amount,
        coalesce(least(counted_sales.first_sales_date, added_sales.first_sales_date), counted_sales.first_sales_date, added_sales.first_sales_date) as first_sales_date,
        coalesce(greatest(counted_sales.last_sales_date, added_sales.last_sales_date), counted_sales.last_sales_date, added_sales.last_sales_date) as last_sales_date
    from counted_sales
    full outer join added_sales
        on added_sales.customer_id = counted_sales.customer_id
    left join new_transactions
        on new_transactions.customer_id = coalesce(counted_sales.customer_id, added_sales.customer_id)
    left join new_products
        on new_products.customer_id = coalesce(counted_sales.customer_id, added_sales.customer_id)
),
{% endif %}

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
