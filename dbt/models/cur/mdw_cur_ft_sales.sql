{#-
    Sales fact: one row per valid staged sale (mdw_stg_sales.reject_reason is NULL).

    * Dimension keys are those of the dimension version valid at sale time
      (business key equal and valid_from <= sales_at < valid_to); the unknown member's key
      (unknown_member_key()) when no version matches (orphan foreign key).
    * unit_price is the product version's price; TotalPrice is never used.
      gross_amount = unit_price × quantity, discount_amount = gross_amount × discount_rate
      (rounded to 4 decimals), net_amount = gross_amount − discount_amount, i.e.
      price × quantity × (1 − discount). Decimals, so sums reconcile exactly.
    * Incremental (merge on sales_id). Daily landing (var sales_layout = daily): a run reads
      only the landing folders whose day is not a partition of the table yet (those mdw
      brings in, or under dbt the loaded days compiled in as literals, so the raw scan skips
      their folders), and merges their sales; a sales_id landing again on a later day replaces the earlier version.
      Single-file landing: a run processes the staged sales whose partition (day) is not in
      the table yet or whose sales_id is not in the table yet (a late sale). Either way an
      added day processes that day only. --full-refresh rebuilds everything, keeping of
      each sales_id the version of the latest landing folder (what the merges keep).
    * partition (YYYYMMDD of sales_at) is the last column.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='sales_id',
        on_schema_change='fail',
        table_type='iceberg',
        partition_by=['partition']
    )
}}

{%- set daily_landing = var('sales_layout', 'file') == 'daily' -%}
{#- the landing folders mdw brings in (src/run/landing-partitions.ts); none under dbt -#}
{%- set landed_days = changed_partitions('mdw_stg_sales') if is_incremental() and daily_landing else none -%}
{%- set loaded_days = loaded_partitions(this) if is_incremental() and daily_landing and landed_days is none else [] -%}

with landed_sales as (
    select
        sales_id,
        transaction_number,
        customer_id,
        product_id,
        employee_id,
        quantity,
        discount_rate,
        sales_at,
        partition as landing_partition
    from {{ changed_rows(ref('mdw_stg_sales'), landed_days) }} {# noqa: L06 the fact reads staged sales: std holds dimensions only (SPEC) #}
    where reject_reason is null
    {%- if loaded_days | length > 0 %}
        and partition not in ('{{ loaded_days | join("', '") }}')
    {%- endif %}
),

{% if daily_landing %}
-- A sales_id may land again on a later day (a correction): the latest landing wins.
latest_sales as (
    select
        sales_id,
        transaction_number,
        customer_id,
        product_id,
        employee_id,
        quantity,
        discount_rate,
        sales_at,
        row_number() over (
            partition by sales_id
            order by landing_partition desc nulls last
        ) as landing_rank
    from landed_sales
),
{% endif %}

staged_sales as (
    select
        sales_id,
        transaction_number,
        customer_id,
        product_id,
        employee_id,
        quantity,
        discount_rate,
        sales_at,
        cast(sales_at as date) as sales_date,
        {{ generate_partition('sales_at') }} as partition
    {%- if daily_landing %}
    from latest_sales
    where landing_rank = 1
    {%- else %}
    from landed_sales
    {%- endif %}
),

{% if is_incremental() and not daily_landing %}
loaded_partitions as (
    select distinct
        partition
    from {{ this }}
),

loaded_sales as (
    select
        sales_id
    from {{ this }}
),

new_sales as (
    select
        staged_sales.sales_id as sales_id,
        staged_sales.transaction_number as transaction_number,
        staged_sales.customer_id as customer_id,
        staged_sales.product_id as product_id,
        staged_sales.employee_id as employee_id,
        staged_sales.quantity as quantity,
        staged_sales.discount_rate as discount_rate,
        staged_sales.sales_at as sales_at,
        staged_sales.sales_date as sales_date,
        staged_sales.partition as partition
    from staged_sales
    left join loaded_partitions
        on loaded_partitions.partition = staged_sales.partition
    left join loaded_sales
        on loaded_sales.sales_id = staged_sales.sales_id
    where loaded_partitions.partition is null
        or loaded_sales.sales_id is null
),
{% else %}
new_sales as (
    select
        sales_id,
        transaction_number,
        customer_id,
        product_id,
        employee_id,
        quantity,
        discount_rate,
        sales_at,
        sales_date,
        partition
    from staged_sales
),
{% endif %}

customers as (
    select
        customer_key,
        customer_id,
        valid_from,
        valid_to
    from {{ ref('mdw_std_dim_customers') }}
),

products as (
    select
        product_key,
        product_id,
        price,
        valid_from,
        valid_to
    from {{ ref('mdw_std_dim_products') }}
),

employees as (
    select
        employee_key,
        employee_id,
        valid_from,
        valid_to
    from {{ ref('mdw_std_dim_employees') }}
),

keyed_sales as (
    select
        new_sales.sales_id as sales_id,
        new_sales.transaction_number as transaction_number,
        coalesce(customers.customer_key, {{ unknown_member_key() }}) as customer_key,
        coalesce(products.product_key, {{ unknown_member_key() }}) as product_key,
        coalesce(employees.employee_key, {{ unknown_member_key() }}) as employee_key,
        {{ generate_surrogate_key(['new_sales.sales_date']) }} as date_key,
        new_sales.customer_id as customer_id,
        new_sales.product_id as product_id,
        new_sales.employee_id as employee_id,
        new_sales.quantity as quantity,
        products.price as unit_price,
        new_sales.discount_rate as discount_rate,
        new_sales.sales_at as sales_at,
        new_sales.sales_date as sales_date,
        new_sales.partition as partition
    from new_sales
    left join customers
        on customers.customer_id = new_sales.customer_id
        and customers.valid_from <= new_sales.sales_at
        and customers.valid_to > new_sales.sales_at
    left join products
        on products.product_id = new_sales.product_id
        and products.valid_from <= new_sales.sales_at
        and products.valid_to > new_sales.sales_at
    left join employees
        on employees.employee_id = new_sales.employee_id
        and employees.valid_from <= new_sales.sales_at
        and employees.valid_to > new_sales.sales_at
),

priced_sales as (
    select
        sales_id,
        transaction_number,
        customer_key,
        product_key,
        employee_key,
        date_key,
        customer_id,
        product_id,
        employee_id,
        quantity,
        unit_price,
        discount_rate,
        cast(unit_price * quantity as decimal(18, 4)) as gross_amount,
        cast(unit_price * quantity * discount_rate as decimal(18, 4)) as discount_amount,
        sales_at,
        sales_date,
        partition
    from keyed_sales
),

final as (
    select
        sales_id,
        transaction_number,
        customer_key,
        product_key,
        employee_key,
        date_key,
        customer_id,
        product_id,
        employee_id,
        quantity,
        unit_price,
        discount_rate,
        gross_amount,
        discount_amount,
        cast(gross_amount - discount_amount as decimal(18, 4)) as net_amount,
        sales_at,
        sales_date,
        partition
    from priced_sales
)

select
    sales_id,
    transaction_number,
    customer_key,
    product_key,
    employee_key,
    date_key,
    customer_id,
    product_id,
    employee_id,
    quantity,
    unit_price,
    discount_rate,
    gross_amount,
    discount_amount,
    net_amount,
    sales_at,
    sales_date,
    partition
from final
