{#-
    Salesperson performance: one row per employee (current version of
    mdw_std_dim_employees, including the unknown member) with lifetime sales over every
    version and a revenue rank. Employees without sales have zero counts and amounts.
    Not partitioned (one small row per employee).
    Incremental, exact: when the fact's run in this invocation only added days after every
    day counted (macro lifetime_totals_extend), the run reads the fact's changed days and
    adds them to the totals the table holds; a distinct count grows by the pairs of those
    days not seen on an earlier day, looked up in the earlier sales of the same transactions
    and customers only. Every row is rewritten (current names, ranks). Otherwise it is rebuilt from
    the whole fact.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='employee_id',
        table_type='iceberg'
    )
}}

{%- set changed_days = changed_partitions('mdw_cur_ft_sales') if is_incremental() else none %}
{%- set additive = is_incremental() and lifetime_totals_extend(this, ref('mdw_cur_ft_sales'), changed_days) %}

with sales as (
    select
        employee_key,
        transaction_number,
        customer_id,
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

employee_versions as (
    select
        employee_key,
        employee_id
    from {{ ref('mdw_std_dim_employees') }}
),

current_employees as (
    select
        employee_id,
        full_name,
        gender,
        hire_date,
        city_name,
        country_name
    from {{ ref('mdw_std_dim_employees') }}
    where is_current
),

{% if not additive %}
employee_sales as (
    select
        employee_versions.employee_id as employee_id,
        count(*) as sales_count,
        count(distinct sales.transaction_number) as transaction_count,
        count(distinct sales.customer_id) as customer_count,
        sum(sales.quantity) as quantity,
        sum(sales.gross_amount) as gross_amount,
        sum(sales.discount_amount) as discount_amount,
        sum(sales.net_amount) as net_amount,
        min(sales.sales_date) as first_sales_date,
        max(sales.sales_date) as last_sales_date
    from sales
    inner join employee_versions
        on employee_versions.employee_key = sales.employee_key
    group by
        employee_versions.employee_id
),
{% else %}
new_sales as (
    select
        employee_versions.employee_id as employee_id,
        sales.transaction_number as transaction_number,
        sales.customer_id as customer_id,
        sales.quantity as quantity,
        sales.gross_amount as gross_amount,
        sales.discount_amount as discount_amount,
        sales.net_amount as net_amount,
        sales.sales_date as sales_date
    from sales
    inner join employee_versions
        on employee_versions.employee_key = sales.employee_key
),

{#- Each new (employee, customer) pair under every key of the employee's versions. #}
new_customer_keys as (
    select distinct
        employee_versions.employee_key as employee_key,
        new_sales.customer_id as customer_id
    from new_sales
    inner join employee_versions
        on employee_versions.employee_id = new_sales.employee_id
),

{#- The earlier sales that could share a pair with a new one: the same transaction, or the same
    employee and customer (a hash lookup of the few new pairs during the scan; the dimension is
    joined to what they keep). #}
earlier_matches as (
    select
        employee_key,
        transaction_number,
        customer_id
    from {{ ref('mdw_cur_ft_sales') }}
    where not ({{ partition_filter(changed_days) }})
        and transaction_number in (select new_sales.transaction_number from new_sales)

    union all

    select
        earlier.employee_key as employee_key,
        earlier.transaction_number as transaction_number,
        earlier.customer_id as customer_id
    from {{ ref('mdw_cur_ft_sales') }} as earlier
    inner join new_customer_keys
        on new_customer_keys.employee_key = earlier.employee_key
        and new_customer_keys.customer_id = earlier.customer_id
    where not ({{ partition_filter(changed_days) }})
),

earlier_sales as (
    select
        employee_versions.employee_id as employee_id,
        earlier_matches.transaction_number as transaction_number,
        earlier_matches.customer_id as customer_id
    from earlier_matches
    inner join employee_versions
        on employee_versions.employee_key = earlier_matches.employee_key
),

new_transactions as (
    select
        employee_id,
        count(*) as transaction_count
    from (
        select distinct
            employee_id,
            transaction_number
        from new_sales
        where transaction_number is not null
    ) as pairs
    where not exists (
        select 1
        from earlier_sales
        where earlier_sales.employee_id = pairs.employee_id
            and earlier_sales.transaction_number = pairs.transaction_number
    )
    group by
        employee_id
),

new_customers as (
    select
        employee_id,
        count(*) as customer_count
    from (
        select distinct
            employee_id,
            customer_id
        from new_sales
        where customer_id is not null
    ) as pairs
    where not exists (
        select 1
        from earlier_sales
        where earlier_sales.employee_id = pairs.employee_id
            and earlier_sales.customer_id = pairs.customer_id
    )
    group by
        employee_id
),

added_sales as (
    select
        employee_id,
        count(*) as sales_count,
        sum(quantity) as quantity,
        sum(gross_amount) as gross_amount,
        sum(discount_amount) as discount_amount,
        sum(net_amount) as net_amount,
        min(sales_date) as first_sales_date,
        max(sales_date) as last_sales_date
    from new_sales
    group by
        employee_id
),

counted_sales as (
    select
        employee_id,
        sales_count,
        transaction_count,
        customer_count,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        first_sales_date,
        last_sales_date
    from {{ this }}
    where sales_count > 0
),

employee_sales as (
    select
        coalesce(counted_sales.employee_id, added_sales.employee_id) as employee_id,
        coalesce(counted_sales.sales_count, 0) + coalesce(added_sales.sales_count, 0) as sales_count,
        coalesce(counted_sales.transaction_count, 0) + coalesce(new_transactions.transaction_count, 0) as transaction_count,
        coalesce(counted_sales.customer_count, 0) + coalesce(new_customers.customer_count, 0) as customer_count,
        coalesce(counted_sales.quantity, 0) + coalesce(added_sales.quantity, 0) as quantity,
        coalesce(counted_sales.gross_amount, 0) + coalesce(added_sales.gross_amount, 0) as gross_amount,
        coalesce(counted_sales.discount_amount, 0) + coalesce(added_sales.discount_amount, 0) as discount_amount,
        coalesce(counted_sales.net_amount, 0) + coalesce(added_sales.net_amount, 0) as net_amount,
        coalesce(least(counted_sales.first_sales_date, added_sales.first_sales_date), counted_sales.first_sales_date, added_sales.first_sales_date) as first_sales_date,
        coalesce(greatest(counted_sales.last_sales_date, added_sales.last_sales_date), counted_sales.last_sales_date, added_sales.last_sales_date) as last_sales_date
    from counted_sales
    full outer join added_sales
        on added_sales.employee_id = counted_sales.employee_id
    left join new_transactions
        on new_transactions.employee_id = coalesce(counted_sales.employee_id, added_sales.employee_id)
    left join new_customers
        on new_customers.employee_id = coalesce(counted_sales.employee_id, added_sales.employee_id)
),
{% endif %}

performance as (
    select
        current_employees.employee_id as employee_id,
        current_employees.full_name as full_name,
        current_employees.gender as gender,
        current_employees.hire_date as hire_date,
        current_employees.city_name as city_name,
        current_employees.country_name as country_name,
        coalesce(employee_sales.sales_count, 0) as sales_count,
        coalesce(employee_sales.transaction_count, 0) as transaction_count,
        coalesce(employee_sales.customer_count, 0) as customer_count,
        coalesce(employee_sales.quantity, 0) as quantity,
        coalesce(employee_sales.gross_amount, 0) as gross_amount,
        coalesce(employee_sales.discount_amount, 0) as discount_amount,
        coalesce(employee_sales.net_amount, 0) as net_amount,
        employee_sales.first_sales_date as first_sales_date,
        employee_sales.last_sales_date as last_sales_date
    from current_employees
    left join employee_sales
        on employee_sales.employee_id = current_employees.employee_id
),

ranked as (
    select
        employee_id,
        full_name,
        gender,
        hire_date,
        city_name,
        country_name,
        sales_count,
        transaction_count,
        customer_count,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        first_sales_date,
        last_sales_date,
        rank() over (
            order by net_amount desc
        ) as revenue_rank
    from performance
)

select
    employee_id,
    full_name,
    gender,
    hire_date,
    city_name,
    country_name,
    sales_count,
    transaction_count,
    customer_count,
    quantity,
    gross_amount,
    discount_amount,
    net_amount,
    first_sales_date,
    last_sales_date,
    revenue_rank
from ranked
