{#-
    Staging of countries: one row per country_id, trimmed (empty → NULL).
    No column besides the key needs parsing, so reject_reason is always NULL; it is kept for
    the staging contract shared by every stg model. Rows without a parseable country_id
    are dropped; of duplicates the first by (country_name, country_code) is kept.
-#}
with source as (
    select
        {{ clean_string('CountryID') }} as country_id_text,
        {{ clean_string('CountryName') }} as country_name,
        {{ clean_string('CountryCode') }} as country_code
    from {{ source('grocery', 'countries') }}
),

typed as (
    select
        {{ try_cast_as('country_id_text', 'integer') }} as country_id,
        country_name,
        country_code,
        cast(null as varchar) as reject_reason
    from source
),

deduplicated as (
    select
        country_id,
        country_name,
        country_code,
        reject_reason,
        row_number() over (
            partition by country_id
            order by
                country_name nulls last,
                country_code nulls last
        ) as duplicate_rank
    from typed
    where country_id is not null
),

final as (
    select
        country_id,
        country_name,
        country_code,
        reject_reason
    from deduplicated
    where duplicate_rank = 1
)

select
    country_id,
    country_name,
    country_code,
    reject_reason
from final
