{#-
    Employee (salesperson) dimension, SCD type 2: one row per version of an employee in
    mdw_snp_employees, with the city and country denormalized (current names), plus one
    "unknown" member (employee_id -1, key unknown_member_key()) for facts without a matching
    employee.

    Validity is the half-open interval [valid_from, valid_to): the first version of each
    employee is valid from 1900-01-01, later versions from their snapshot time; valid_to is
    the snapshot's dbt_valid_to, or 9999-12-31 for the current version.
-#}
{{
    config(
        table_type='iceberg'
    )
}}

with employee_versions as (
    select
        employee_id,
        first_name,
        middle_initial,
        last_name,
        birth_date,
        gender,
        city_id,
        hire_date,
        cast(dbt_valid_from as timestamp) as dbt_valid_from,
        cast(dbt_valid_to as timestamp) as dbt_valid_to,
        row_number() over (
            partition by employee_id
            order by dbt_valid_from
        ) as version_number
    from {{ ref('mdw_snp_employees') }}
),

cities as (
    select
        city_id,
        city_name,
        country_id
    from {{ ref('mdw_stg_cities') }}
),

countries as (
    select
        country_id,
        country_name
    from {{ ref('mdw_stg_countries') }}
),

employees as (
    select
        {{ generate_surrogate_key(['employee_versions.employee_id', 'employee_versions.version_number']) }} as employee_key,
        employee_versions.employee_id as employee_id,
        employee_versions.first_name as first_name,
        employee_versions.middle_initial as middle_initial,
        employee_versions.last_name as last_name,
        concat_ws(' ', employee_versions.first_name, employee_versions.middle_initial, employee_versions.last_name) as full_name,
        employee_versions.birth_date as birth_date,
        employee_versions.gender as gender,
        employee_versions.hire_date as hire_date,
        employee_versions.city_id as city_id,
        coalesce(cities.city_name, 'Unknown') as city_name,
        cities.country_id as country_id,
        coalesce(countries.country_name, 'Unknown') as country_name,
        employee_versions.version_number as version_number,
        case
            when employee_versions.version_number = 1 then cast('1900-01-01 00:00:00' as timestamp)
            else employee_versions.dbt_valid_from
        end as valid_from,
        coalesce(employee_versions.dbt_valid_to, cast('9999-12-31 00:00:00' as timestamp)) as valid_to,
        employee_versions.dbt_valid_to is null as is_current
    from employee_versions
    left join cities
        on cities.city_id = employee_versions.city_id
    left join countries
        on countries.country_id = cities.country_id
),

unknown_member as (
    select
        {{ unknown_member_key() }} as employee_key,
        cast(-1 as integer) as employee_id,
        cast(null as varchar) as first_name,
        cast(null as varchar) as middle_initial,
        cast(null as varchar) as last_name,
        cast('Unknown' as varchar) as full_name,
        cast(null as date) as birth_date,
        cast(null as varchar) as gender,
        cast(null as date) as hire_date,
        cast(null as integer) as city_id,
        cast('Unknown' as varchar) as city_name,
        cast(null as integer) as country_id,
        cast('Unknown' as varchar) as country_name,
        cast(0 as bigint) as version_number,
        cast('1900-01-01 00:00:00' as timestamp) as valid_from,
        cast('9999-12-31 00:00:00' as timestamp) as valid_to,
        true as is_current
),

final as (
    select
        employee_key,
        employee_id,
        first_name,
        middle_initial,
        last_name,
        full_name,
        birth_date,
        gender,
        hire_date,
        city_id,
        city_name,
        country_id,
        country_name,
        version_number,
        valid_from,
        valid_to,
        is_current
    from employees

    union all

    select
        employee_key,
        employee_id,
        first_name,
        middle_initial,
        last_name,
        full_name,
        birth_date,
        gender,
        hire_date,
        city_id,
        city_name,
        country_id,
        country_name,
        version_number,
        valid_from,
        valid_to,
        is_current
    from unknown_member
)

select
    employee_key,
    employee_id,
    first_name,
    middle_initial,
    last_name,
    full_name,
    birth_date,
    gender,
    hire_date,
    city_id,
    city_name,
    country_id,
    country_name,
    version_number,
    valid_from,
    valid_to,
    is_current
from final
