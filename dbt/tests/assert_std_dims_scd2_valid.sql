{#-
    SCD type 2 integrity of the std dimensions: for every business key exactly one current
    version, versions numbered without gaps, and validity intervals that follow each other
    without gap or overlap (valid_to of a version = valid_from of the next; the current
    version ends at 9999-12-31). Returns one row per breach.
-#}
with versions as (
    select
        'mdw_std_dim_customers' as dimension_name,
        customer_id as business_key,
        version_number,
        valid_from,
        valid_to,
        is_current
    from {{ ref('mdw_std_dim_customers') }}

    union all

    select
        'mdw_std_dim_products' as dimension_name,
        product_id as business_key,
        version_number,
        valid_from,
        valid_to,
        is_current
    from {{ ref('mdw_std_dim_products') }}

    union all

    select
        'mdw_std_dim_employees' as dimension_name,
        employee_id as business_key,
        version_number,
        valid_from,
        valid_to,
        is_current
    from {{ ref('mdw_std_dim_employees') }}
),

sequenced as (
    select
        dimension_name,
        business_key,
        version_number,
        valid_from,
        valid_to,
        is_current,
        lead(valid_from) over (
            partition by dimension_name, business_key
            order by version_number
        ) as next_valid_from,
        count(*) over (
            partition by dimension_name, business_key
        ) as version_count,
        sum(case when is_current then 1 else 0 end) over (
            partition by dimension_name, business_key
        ) as current_count
    from versions
),

breaches as (
    select
        dimension_name,
        business_key,
        version_number,
        case
            when current_count <> 1 then 'not_exactly_one_current_version'
            when valid_from >= valid_to then 'empty_validity_interval'
            when next_valid_from is not null and next_valid_from <> valid_to then 'gap_or_overlap_with_next_version'
            when next_valid_from is null and not is_current then 'last_version_not_current'
            when business_key <> -1 and version_number > version_count then 'version_number_gap'
        end as problem
    from sequenced
)

select
    dimension_name,
    business_key,
    version_number,
    problem
from breaches
where problem is not null
