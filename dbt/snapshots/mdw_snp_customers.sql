{#-
    SCD type 2 history of customers (check strategy): a new version whenever one of the
    check_cols changes between two runs. Lands in schema mdw_snp (+schema: snp).
-#}
{% snapshot mdw_snp_customers %}
{{
    config(
        unique_key='customer_id',
        strategy='check',
        check_cols=['first_name', 'middle_initial', 'last_name', 'city_id', 'address']
    )
}}
with customers as (
    select
        customer_id,
        first_name,
        middle_initial,
        last_name,
        city_id,
        address
    from {{ ref('mdw_stg_customers') }}
)

select
    customer_id,
    first_name,
    middle_initial,
    last_name,
    city_id,
    address
from customers
{% endsnapshot %}
