{#-
    First-seen (customer, product) pairs (internal state of mdw_cur_customer_summary): one
    row per customer_id (of mdw_std_dim_customers, over every version) and product_id that
    mdw_cur_ft_sales holds, with the first day (partition) the customer bought the product.
    The summary counts its rows of the days the fact's run changed as the customers' new
    distinct products, without reading the fact's earlier days. Incremental (macro
    lifetime_first_seen): an added day writes only its pairs not seen before.
    Not partitioned (two integers and a day per row).
    Its run lists the first_partition values it changed in place of partitions (meta
    mdw_change_column), so in a daily run its tests read the added days' rows only.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='first_partition',
        table_type='iceberg',
        meta={'mdw_change_column': 'first_partition'}
    )
}}

{{ lifetime_first_seen(ref('mdw_cur_ft_sales'), 'product_id', ref('mdw_std_dim_customers'), 'customer_key', 'customer_id') }}
