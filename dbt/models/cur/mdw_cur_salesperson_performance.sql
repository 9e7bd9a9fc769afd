{#-
    Salesperson performance: one row per employee (current version of
    mdw_std_dim_employees, including the unknown member) with lifetime sales over every
    version and a revenue rank. Employees without sales have zero counts and amounts.
    Not partitioned (one small row per employee).
    Incremental, exact (macro lifetime_sales, shared by the three lifetime summaries): when
    the fact's run in this invocation only added days after every day counted, the run reads
    the fact's added days only and adds them to the totals the table holds; the distinct
    counts of (employee, transaction) and (employee, customer) pairs grow by what the first-seen
    tables (mdw_cur_first_transactions and mdw_cur_first_salesperson_customers) hold of those days: only
    the check before the run (macro lifetime_totals_extend) reads the fact's earlier days,
    their sales count and net amount. Every row is rewritten (current names, ranks).
    Otherwise (an earlier day changed, a transaction spanning days, a missed run) it is
    rebuilt from the whole fact.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='employee_id',
        table_type='iceberg'
    )
}}

with {{ lifetime_sales(ref('mdw_cur_ft_sales'), ref('mdw_std_dim_employees'), 'employee_key', 'employee_id', ref('mdw_cur_first_transactions'), ref('mdw_cur_first_salesperson_customers'), 'customer_id', 'customer_count') }},

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

performance as (
    select
        current_employees.employee_id as employee_id,
        current_employees.full_name as full_name,
        current_employees.gender as gender,
        current_employees.hire_date as hire_date,
        current_employees.city_name as city_name,
        current_employees.country_name as country_name,
        {{- lifetime_totals('customer_count') }}
    from current_employees
    left join lifetime_sales
        on lifetime_sales.employee_id = current_employees.employee_id
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
