{#-
    Staging of products: one row per product_id, typed and trimmed (empty → NULL).
    Renames: Class → product_class (class is a reserved word), ModifyDate → modified_at,
    Resistant → resistance. IsAllergic (True/False/Unknown) becomes a boolean; Unknown → NULL.
    reject_reason: NULL, or the first of invalid_price, invalid_category_id,
    invalid_modified_at, invalid_is_allergic, invalid_vitality_days (the failing value
    becomes NULL; the product is kept). Rows without a parseable product_id are dropped; of
    duplicates the first by (valid first, then every column) is kept.
-#}
with source as (
    select
        {{ clean_string('ProductID') }} as product_id_text,
        {{ clean_string('ProductName') }} as product_name,
        {{ clean_string('Price') }} as price_text,
        {{ clean_string('CategoryID') }} as category_id_text,
        {{ clean_string('Class') }} as product_class,
        {{ clean_string('ModifyDate') }} as modified_at_text,
        {{ clean_string('Resistant') }} as resistance,
        {{ clean_string('IsAllergic') }} as is_allergic_text,
        {{ clean_string('VitalityDays') }} as vitality_days_text
    from {{ source('grocery', 'products') }}
),

typed as (
    select
        {{ try_cast_as('product_id_text', 'integer') }} as product_id,
        product_name,
        {{ try_cast_as('price_text', 'decimal(18, 4)') }} as price,
        {{ try_cast_as('category_id_text', 'integer') }} as category_id,
        product_class,
        {{ try_cast_as('modified_at_text', 'timestamp') }} as modified_at,
        resistance,
        case lower(is_allergic_text)
            when 'true' then true
            when 'false' then false
        end as is_allergic,
        {{ try_cast_as('vitality_days_text', 'integer') }} as vitality_days,
        price_text,
        category_id_text,
        modified_at_text,
        is_allergic_text,
        vitality_days_text
    from source
),

validated as (
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
        case
            when price_text is not null and price is null then 'invalid_price'
            when category_id_text is not null and category_id is null then 'invalid_category_id'
            when modified_at_text is not null and modified_at is null then 'invalid_modified_at'
            when lower(is_allergic_text) not in ('true', 'false', 'unknown') then 'invalid_is_allergic'
            when vitality_days_text is not null and vitality_days is null then 'invalid_vitality_days'
        end as reject_reason,
        price_text,
        category_id_text,
        modified_at_text,
        is_allergic_text,
        vitality_days_text
    from typed
    where product_id is not null
),

deduplicated as (
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
        reject_reason,
        row_number() over (
            partition by product_id
            order by
                case when reject_reason is null then 0 else 1 end,
                product_name nulls last,
                price_text nulls last,
                category_id_text nulls last,
                product_class nulls last,
                modified_at_text nulls last,
                resistance nulls last,
                is_allergic_text nulls last,
                vitality_days_text nulls last
        ) as duplicate_rank
    from validated
),

final as (
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
        reject_reason
    from deduplicated
    where duplicate_rank = 1
)

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
    reject_reason
from final
