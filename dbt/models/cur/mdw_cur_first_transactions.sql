{#-
    First-seen transactions (internal state of the lifetime summaries): one row per
    transaction number of mdw_cur_ft_sales with the first day (partition) it was sold. The
    summaries read its rows of the days the fact's run changed to tell that none of those
    days' transactions was sold before, so every (id, transaction) pair of those days is
    new, without reading the fact's earlier days. Incremental (macro lifetime_first_seen):
    an added day writes only its transactions not seen before.
    Not partitioned (one narrow row per transaction; it is read by first_partition, which
    grows with the rows, so the file statistics skip most of it).
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

{{ lifetime_first_seen(ref('mdw_cur_ft_sales'), 'transaction_number') }}
