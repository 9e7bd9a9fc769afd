{#-
    Staging of customers: one row per customer_id, typed and trimmed (empty → NULL).
    reject_reason: NULL, or invalid_city_id when CityID is present but not an integer (the
    value becomes NULL; the customer itself is kept). Rows without a parseable customer_id
    are dropped; of duplicates the first by (valid first, then every column) is kept.
-#}
with source as (
    select
        {{ clean_string('CustomerID') }} as customer_id_text,
        {{ clean_string('FirstName') }} as first_name,
        {{ clean_string('MiddleInitial') }} as middle_initial,
        {{ clean_string('LastName') }} as last_name,
        {{ clean_string('CityID') }} as city_id_text,
        {{ clean_string('Address') }} as address
    from {{ source('grocery', 'customers') }}
),

typed as (
    select
        {{ try_cast_as('customer_id_text', 'integer') }} as customer_id,
        first_name,
        middle_initial,
        last_name,
        {{ try_cast_as('city_id_text', 'integer') }} as city_id,
        address,
        city_id_text
    from source
),

validated as (
    select
        customer_id,
        first_name,
        middle_initial,
        last_name,
        city_id,
        address,
        case
            when city_id_text is not null and city_id is null then 'invalid_city_id'
        end as reject_reason,
        city_id_text
    from typed
    where customer_id is not null
),

deduplicated as (
    select
        customer_id,
        first_name,
        middle_initial,
        last_name,
        city_id,
        address,
        reject_reason,
        row_number() over (
            partition by customer_id
            order by
                case when reject_reason is null then 0 else 1 end,
                first_name nulls last,
                middle_initial nulls last,
                last_name nulls last,
                city_id_text nulls last,
                address nulls last
        ) as duplicate_rank
    from validated
),

final as (
    select
        customer_id,
        first_name,
        middle_initial,
        last_name,
        city_id,
        address,
        reject_reason
    from deduplicated
    where duplicate_rank = 1
)

select
    customer_id,
    first_name,
    middle_initial,
    last_name,
    city_id,
    address,
    reject_reason
from final
