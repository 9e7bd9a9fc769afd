{#-
    Customer dimension, SCD type 2: one row per version of a customer in mdw_snp_customers,
    with the customer's city and country denormalized (current names), plus one "unknown"
    member (customer_id -1, key unknown_member_key()) for facts without a matching customer.

    Validity is the half-open interval [valid_from, valid_to): the first version of each
    customer is valid from 1900-01-01 (the snapshot only began when the warehouse did, but the
    customer existed before: sales older than the first snapshot belong to the first
    version); valid_to is the snapshot's dbt_valid_to, or 9999-12-31 for the current version.
-#}
{{
    config(
        table_type='iceberg'
    )
}}

with customer_versions as (
    select
        customer_id,
        first_name,
        middle_initial,
        last_name,
        city_id,
        address,
        cast(dbt_valid_from as timestamp) as dbt_valid_from,
        cast(dbt_valid_to as timestamp) as dbt_valid_to,
        row_number() over (
            partition by customer_id
            order by dbt_valid_from
        ) as version_number
    from {{ ref('mdw_snp_customers') }}
),

cities as (
    select
        city_id,
        city_name,
        zipcode,
        country_id
    from {{ ref('mdw_stg_cities') }}
),

countries as (
    select
        country_id,
        country_name,
        country_code
    from {{ ref('mdw_stg_countries') }}
),

customers as (
    select
        {{ generate_surrogate_key(['customer_versions.customer_id', 'customer_versions.version_number']) }} as customer_key,
        customer_versions.customer_id as customer_id,
        customer_versions.first_name as first_name,
        customer_versions.middle_initial as middle_initial,
        customer_versions.last_name as last_name,
        concat_ws(' ', customer_versions.first_name, customer_versions.middle_initial, customer_versions.last_name) as full_name,
        customer_versions.address as address,
        customer_versions.city_id as city_id,
        coalesce(cities.city_name, 'Unknown') as city_name,
        cities.zipcode as zipcode,
        cities.country_id as country_id,
        coalesce(countries.country_name, 'Unknown') as country_name,
        countries.country_code as country_code,
        customer_versions.version_number as version_number,
        case
            when customer_versions.version_number = 1 then cast('1900-01-01 00:00:00' as timestamp)
            else customer_versions.dbt_valid_from
        end as valid_from,
        coalesce(customer_versions.dbt_valid_to, cast('9999-12-31 00:00:00' as timestamp)) as valid_to,
        customer_versions.dbt_valid_to is null as is_current
    from customer_versions
    left join cities
        on cities.city_id = customer_versions.city_id
    left join countries
        on countries.country_id = cities.country_id
),

unknown_member as (
    select
        {{ unknown_member_key() }} as customer_key,
        cast(-1 as integer) as customer_id,
        cast(null as varchar) as first_name,
        cast(null as varchar) as middle_initial,
        cast(null as varchar) as last_name,
        cast('Unknown' as varchar) as full_name,
        cast(null as varchar) as address,
        cast(null as integer) as city_id,
        cast('Unknown' as varchar) as city_name,
        cast(null as varchar) as zipcode,
        cast(null as integer) as country_id,
        cast('Unknown' as varchar) as country_name,
        cast(null as varchar) as country_code,
        cast(0 as bigint) as version_number,
        cast('1900-01-01 00:00:00' as timestamp) as valid_from,
        cast('9999-12-31 00:00:00' as timestamp) as valid_to,
        true as is_current
),

final as (
    select
        customer_key,
        customer_id,
        first_name,
        middle_initial,
        last_name,
        full_name,
        address,
        city_id,
        city_name,
        zipcode,
        country_id,
        country_name,
        country_code,
        version_number,
        valid_from,
        valid_to,
        is_current
    from customers

    union all

    select
        customer_key,
        customer_id,
        first_name,
        middle_initial,
        last_name,
        full_name,
        address,
        city_id,
        city_name,
        zipcode,
        country_id,
        country_name,
        country_code,
        version_number,
        valid_from,
        valid_to,
        is_current
    from unknown_member
)

select
    customer_key,
    customer_id,
    first_name,
    middle_initial,
    last_name,
    full_name,
    address,
    city_id,
    city_name,
    zipcode,
    country_id,
    country_name,
    country_code,
    version_number,
    valid_from,
    valid_to,
    is_current
from final
