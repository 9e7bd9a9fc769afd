{#-
    Staging of employees (the salespeople): one row per employee_id, typed and trimmed.
    BirthDate and HireDate arrive as timestamps with a meaningless time of day: they are
    typed as dates (birth_date, hire_date).
    reject_reason: NULL, or the first of invalid_birth_date, invalid_city_id,
    invalid_hire_date (present but unparseable; the value becomes NULL, the employee is kept).
    Rows without a parseable employee_id are dropped; of duplicates the first by (valid
    first, then every column) is kept.
-#}
with source as (
    select
        {{ clean_string('EmployeeID') }} as employee_id_text,
        {{ clean_string('FirstName') }} as first_name,
        {{ clean_string('MiddleInitial') }} as middle_initial,
        {{ clean_string('LastName') }} as last_name,
        {{ clean_string('BirthDate') }} as birth_date_text,
        {{ clean_string('Gender') }} as gender,
        {{ clean_string('CityID') }} as city_id_text,
        {{ clean_string('HireDate') }} as hire_date_text
    from {{ source('grocery', 'employees') }}
),

typed as (
    select
        {{ try_cast_as('employee_id_text', 'integer') }} as employee_id,
        first_name,
        middle_initial,
        last_name,
        cast({{ try_cast_as('birth_date_text', 'timestamp') }} as date) as birth_date,
        gender,
        {{ try_cast_as('city_id_text', 'integer') }} as city_id,
        cast({{ try_cast_as('hire_date_text', 'timestamp') }} as date) as hire_date,
        birth_date_text,
        city_id_text,
        hire_date_text
    from source
),

validated as (
    select
        employee_id,
        first_name,
        middle_initial,
        last_name,
        birth_date,
        gender,
        city_id,
        hire_date,
        case
            when birth_date_text is not null and birth_date is null then 'invalid_birth_date'
            when city_id_text is not null and city_id is null then 'invalid_city_id'
            when hire_date_text is not null and hire_date is null then 'invalid_hire_date'
        end as reject_reason,
        birth_date_text,
        city_id_text,
        hire_date_text
    from typed
    where employee_id is not null
),

deduplicated as (
    select
        employee_id,
        first_name,
        middle_initial,
        last_name,
        birth_date,
        gender,
        city_id,
        hire_date,
        reject_reason,
        row_number() over (
            partition by employee_id
            order by
                case when reject_reason is null then 0 else 1 end,
                first_name nulls last,
                middle_initial nulls last,
                last_name nulls last,
                birth_date_text nulls last,
                gender nulls last,
                city_id_text nulls last,
                hire_date_text nulls last
        ) as duplicate_rank
    from validated
),

final as (
    select
        employee_id,
        first_name,
        middle_initial,
        last_name,
        birth_date,
        gender,
        city_id,
        hire_date,
        reject_reason
    from deduplicated
    where duplicate_rank = 1
)

select
    employee_id,
    first_name,
    middle_initial,
    last_name,
    birth_date,
    gender,
    city_id,
    hire_date,
    reject_reason
from final
