{#-
    Product dimension, SCD type 2: one row per version of a product in mdw_snp_products, with
    its category denormalized (current name), plus one "unknown" member (product_id -1, key
    unknown_member_key()) for facts without a matching product.

    Validity is the half-open interval [valid_from, valid_to): the first version of each
    product is valid from 1900-01-01, later versions from their snapshot time; valid_to is the
    snapshot's dbt_valid_to, or 9999-12-31 for the current version.
-#}
{{
    config(
        table_type='iceberg'
    )
}}

with product_versions as (
    select
        product_id,
        product_name,
        price,
        category_id,
        product_class,
        modified_at,
        resistance,
        is_allergic,
        vitality_days,
        cast(dbt_valid_from as timestamp) as dbt_valid_from,
        cast(dbt_valid_to as timestamp) as dbt_valid_to,
        row_number() over (
            partition by product_id
            order by dbt_valid_from
        ) as version_number
    from {{ ref('mdw_snp_products') }}
),

categories as (
    select
        category_id,
        category_name
    from {{ ref('mdw_stg_categories') }}
),

products as (
    select
        {{ generate_surrogate_key(['product_versions.product_id', 'product_versions.version_number']) }} as product_key,
        product_versions.product_id as product_id,
        product_versions.product_name as product_name,
        product_versions.price as price,
        product_versions.category_id as category_id,
        coalesce(categories.category_name, 'Unknown') as category_name,
        product_versions.product_class as product_class,
        product_versions.modified_at as modified_at,
        product_versions.resistance as resistance,
        product_versions.is_allergic as is_allergic,
        product_versions.vitality_days as vitality_days,
        product_versions.version_number as version_number,
        case
            when product_versions.version_number = 1 then cast('1900-01-01 00:00:00' as timestamp)
            else product_versions.dbt_valid_from
        end as valid_from,
        coalesce(product_versions.dbt_valid_to, cast('9999-12-31 00:00:00' as timestamp)) as valid_to,
        product_versions.dbt_valid_to is null as is_current
    from product_versions
    left join categories
        on categories.category_id = product_versions.category_id
),

unknown_member as (
    select
        {{ unknown_member_key() }} as product_key,
        cast(-1 as integer) as product_id,
        cast('Unknown' as varchar) as product_name,
        cast(null as decimal(18, 4)) as price,
        cast(null as integer) as category_id,
        cast('Unknown' as varchar) as category_name,
        cast(null as varchar) as product_class,
        cast(null as timestamp) as modified_at,
        cast(null as varchar) as resistance,
        cast(null as boolean) as is_allergic,
        cast(null as integer) as vitality_days,
        cast(0 as bigint) as version_number,
        cast('1900-01-01 00:00:00' as timestamp) as valid_from,
        cast('9999-12-31 00:00:00' as timestamp) as valid_to,
        true as is_current
),

final as (
    select
        product_key,
        product_id,
        product_name,
        price,
        category_id,
        category_name,
        product_class,
        modified_at,
        resistance,
        is_allergic,
        vitality_days,
        version_number,
        valid_from,
        valid_to,
        is_current
    from products

    union all

    select
        product_key,
        product_id,
        product_name,
        price,
        category_id,
        category_name,
        product_class,
        modified_at,
        resistance,
        is_allergic,
        vitality_days,
        version_number,
        valid_from,
        valid_to,
        is_current
    from unknown_member
)

select
    product_key,
    product_id,
    product_name,
    price,
    category_id,
    category_name,
    product_class,
    modified_at,
    resistance,
    is_allergic,
    vitality_days,
    version_number,
    valid_from,
    valid_to,
    is_current
from final
