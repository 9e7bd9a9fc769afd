{#-
    First-seen (salesperson, customer) pairs (internal state of
    mdw_cur_salesperson_performance): one row per employee_id (of mdw_std_dim_employees, over
    every version) and customer_id that mdw_cur_ft_sales holds, with the first day
    (partition) the salesperson served the customer. The summary counts its rows of the days
    the fact's run changed as the salespeople's new distinct customers, without reading the
    fact's earlier days. Incremental (macro lifetime_first_seen): an added day writes only
    its pairs not seen before.
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

{{ lifetime_first_seen(ref('mdw_cur_ft_sales'), 'customer_id', ref('mdw_std_dim_employees'), 'employee_key', 'employee_id') }}
