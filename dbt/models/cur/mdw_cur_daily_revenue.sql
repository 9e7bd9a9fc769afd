{#-
    Daily revenue: one row per sales day of mdw_cur_ft_sales, partitioned by day.
    Its net_amount adds up to the fact's (test assert_cur_daily_revenue_reconciles).
    Incremental: a run replaces only the days (partitions) the fact's incremental run changed
    in the same invocation (macro changed_partitions); every day otherwise.
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
        sales_date,
        transaction_number,
        customer_id,
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        partition
    from {{ ref('mdw_cur_ft_sales') }}
    where {{ partition_filter(changed_days) }}
),

daily as (
    select
        sales_date,
        count(*) as sales_count,
        count(distinct transaction_number) as transaction_count,
        count(distinct customer_id) as customer_count,
        sum(quantity) as quantity,
        sum(gross_amount) as gross_amount,
        sum(discount_amount) as discount_amount,
        sum(net_amount) as net_amount,
        partition
    from sales
    group by
        sales_date,
        partition
)

select
    sales_date,
    sales_count,
    transaction_count,
    customer_count,
    quantity,
    gross_amount,
    discount_amount,
    net_amount,
    partition
from daily
