{#-
    Staging of categories: one row per category_id, trimmed (empty → NULL).
    No column besides the key needs parsing, so reject_reason is always NULL; it is kept for
    the staging contract shared by every stg model. Rows without a parseable category_id
    are dropped; of duplicates the first by category_name is kept.
-#}
with source as (
    select
        {{ clean_string('CategoryID') }} as category_id_text,
        {{ clean_string('CategoryName') }} as category_name
    from {{ source('grocery', 'categories') }}
),

typed as (
    select
        {{ try_cast_as('category_id_text', 'integer') }} as category_id,
        category_name,
        cast(null as varchar) as reject_reason
    from source
),

deduplicated as (
    select
        category_id,
        category_name,
        reject_reason,
        row_number() over (
            partition by category_id
            order by
                category_name nulls last
        ) as duplicate_rank
    from typed
    where category_id is not null
),

final as (
    select
        category_id,
        category_name,
        reject_reason
    from deduplicated
    where duplicate_rank = 1
)

select
    category_id,
    category_name,
    reject_reason
from final
