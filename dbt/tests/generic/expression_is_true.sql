{#-
    expression_is_true(expression): no row of the model makes the boolean SQL expression
    false. Rows where it is NULL (an operand unknown) are not failures.
-#}
{% test expression_is_true(model, expression) %}

with checked as (
    select
        case when {{ expression }} then 1 when not ({{ expression }}) then 0 end as is_true
    from {{ model }}
)

select
    is_true
from checked
where is_true = 0

{% endtest %}
