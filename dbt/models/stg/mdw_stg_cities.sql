{#-
    Staging of cities: one row per city_id, trimmed (empty → NULL). zipcode stays text
    (five digits; leading zeros matter).
    reject_reason: NULL, or invalid_country_id when CountryID is present but not an integer
    (the value becomes NULL; the city is kept). Rows without a parseable city_id are
    dropped; of duplicates the first by (valid first, then every column) is kept.
-#}
with source as (
    select
        {{ clean_string('CityID') }} as city_id_text,
        {{ clean_string('CityName') }} as city_name,
        {{ clean_string('Zipcode') }} as zipcode,
        {{ clean_string('CountryID') }} as country_id_text
    from {{ source('grocery', 'cities') }}
),

typed as (
    select
        {{ try_cast_as('city_id_text', 'integer') }} as city_id,
        city_name,
        zipcode,
        {{ try_cast_as('country_id_text', 'integer') }} as country_id,
        country_id_text
    from source
),

validated as (
    select
        city_id,
        city_name,
        zipcode,
        country_id,
        case
            when country_id_text is not null and country_id is null then 'invalid_country_id'
        end as reject_reason,
        country_id_text
    from typed
    where city_id is not null
),

deduplicated as (
    select
        city_id,
        city_name,
        zipcode,
        country_id,
        reject_reason,
        row_number() over (
            partition by city_id
            order by
                case when reject_reason is null then 0 else 1 end,
                city_name nulls last,
                zipcode nulls last,
                country_id_text nulls last
        ) as duplicate_rank
    from validated
),

final as (
    select
        city_id,
        city_name,
        zipcode,
        country_id,
        reject_reason
    from deduplicated
    where duplicate_rank = 1
)

select
    city_id,
    city_name,
    zipcode,
    country_id,
    reject_reason
from final
