{#-
    SCD type 2 history of products (check strategy): a new version whenever one of the
    check_cols changes between two runs (a price change, a new category…). Lands in schema
    mdw_snp (+schema: snp).
-#}
{% snapshot mdw_snp_products %}
{{
    config(
        unique_key='product_id',
        strategy='check',
        check_cols=[
            'product_name',
            'price',
            'category_id',
            'product_class',
            'modified_at',
            'resistance',
            'is_allergic',
            'vitality_days'
        ]
    )
}}
with products as (
    select
        product_id,
        product_name,
        price,
        category_id,
        product_class,
        modified_at,
        resistance,
        is_allergic,
        vitality_days
    from {{ ref('mdw_stg_products') }}
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
    vitality_days
from products
{% endsnapshot %}
