{#-
    First-seen transactions (internal state of the lifetime summaries): one row per
    transaction number of mdw_cur_ft_sales with the first day (partition) it was sold. The
    summaries read its rows of the days the fact's run changed to tell that none of those
    days' transactions was sold before, so every (id, transaction) pair of those days is
    new, without reading the fact's earlier days. Incremental (macro lifetime_first_seen):
    an added day writes only its transactions not seen before.
    Not partitioned (one narrow row per transaction; it is read by first_partition, which
    grows with the rows, so the file statistics skip most of it).
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='first_partition',
        table_type='iceberg'
    )
}}

{{ lifetime_first_seen(ref('mdw_cur_ft_sales'), 'transaction_number') }}
