{#-
    SCD type 2 history of employees (check strategy): a new version whenever one of the
    check_cols changes between two runs. Lands in schema mdw_snp (+schema: snp).
-#}
{% snapshot mdw_snp_employees %}
{{
    config(
        unique_key='employee_id',
        strategy='check',
        check_cols=[
            'first_name',
            'middle_initial',
            'last_name',
            'birth_date',
            'gender',
            'city_id',
            'hire_date'
        ]
    )
}}
with employees as (
    select
        employee_id,
        first_name,
        middle_initial,
        last_name,
        birth_date,
        gender,
        city_id,
        hire_date
    from {{ ref('mdw_stg_employees') }}
)

select
    employee_id,
    first_name,
    middle_initial,
    last_name,
    birth_date,
    gender,
    city_id,
    hire_date
from employees
{% endsnapshot %}
