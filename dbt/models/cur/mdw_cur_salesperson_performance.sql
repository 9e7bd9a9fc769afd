{#-
    Salesperson performance: one row per employee (current version of
    mdw_std_dim_employees, including the unknown member) with lifetime sales over every
    version and a revenue rank. Employees without sales have zero counts and amounts.
    Not partitioned (one small row per employee).
-#}
{{
    config(
        table_type='iceberg'
    )
}}

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
