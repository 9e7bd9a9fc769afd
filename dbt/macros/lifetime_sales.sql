{#-
    lifetime_sales(fact, dimension, key, id, pair_column=none, pair_count=none): the CTEs of a
    lifetime summary (customer, product, salesperson) up to `lifetime_sales`, one row per
    `id` of `dimension` that has sales in `fact` (matched on `key` over every version), with
    sales_count, transaction_count, pair_count (the distinct values of pair_column, when
    given), quantity, gross_amount, discount_amount, net_amount, first_sales_date and
    last_sales_date. Also defines `versions` ({key}, {id} of every dimension version).

    Incremental, exact: when the fact's run in this invocation only added days after every
    day counted (macro lifetime_totals_extend), it reads the fact's changed days and adds them
    to the totals the table holds; a distinct count grows by the pairs of those days not seen
    on an earlier day, looked up in the earlier sales of the same transactions (and, for
    pair_column, of the same id and value) only. Otherwise it aggregates the whole fact.
-#}
{% macro lifetime_sales(fact, dimension, key, id, pair_column=none, pair_count=none) -%}
{%- set changed_days = changed_partitions('mdw_cur_ft_sales') if is_incremental() else none %}
{%- set additive = is_incremental() and lifetime_totals_extend(this, fact, changed_days) -%}
sales as (
    select
        {{ key }},
        transaction_number,
        {%- if pair_column %}
        {{ pair_column }},
        {%- endif %}
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        sales_date
    from {{ fact }}
    {%- if additive %}
    where {{ partition_filter(changed_days) }}
    {%- endif %}
),

versions as (
    select
        {{ key }},
        {{ id }}
    from {{ dimension }}
),

{% if not additive %}
lifetime_sales as (
    select
        versions.{{ id }} as {{ id }},
        count(*) as sales_count,
        count(distinct sales.transaction_number) as transaction_count,
        {%- if pair_column %}
        count(distinct sales.{{ pair_column }}) as {{ pair_count }},
        {%- endif %}
        sum(sales.quantity) as quantity,
        sum(sales.gross_amount) as gross_amount,
        sum(sales.discount_amount) as discount_amount,
        sum(sales.net_amount) as net_amount,
        min(sales.sales_date) as first_sales_date,
        max(sales.sales_date) as last_sales_date
    from sales
    inner join versions
        on versions.{{ key }} = sales.{{ key }}
    group by
        versions.{{ id }}
)
{%- else %}
new_sales as (
    select
        versions.{{ id }} as {{ id }},
        sales.transaction_number as transaction_number,
        {%- if pair_column %}
        sales.{{ pair_column }} as {{ pair_column }},
        {%- endif %}
        sales.quantity as quantity,
        sales.gross_amount as gross_amount,
        sales.discount_amount as discount_amount,
        sales.net_amount as net_amount,
        sales.sales_date as sales_date
    from sales
    inner join versions
        on versions.{{ key }} = sales.{{ key }}
),

{%- if pair_column %}

{#- Each new ({{ id }}, {{ pair_column }}) pair under every key of the versions. #}
new_pair_keys as (
    select distinct
        versions.{{ key }} as {{ key }},
        new_sales.{{ pair_column }} as {{ pair_column }}
    from new_sales
    inner join versions
        on versions.{{ id }} = new_sales.{{ id }}
),
{%- endif %}

{#- The earlier sales that could share a pair with a new one: the same transaction, or the
    same key and pair value (a hash lookup of the few new pairs during the scan; the
    dimension is joined to what they keep). #}
earlier_matches as (
    select
        {{ key }},
        transaction_number
        {%- if pair_column %},
        {{ pair_column }}
        {%- endif %}
    from {{ fact }}
    where not ({{ partition_filter(changed_days) }})
        and transaction_number in (select new_sales.transaction_number from new_sales)
    {%- if pair_column %}

    union all

    select
        earlier.{{ key }} as {{ key }},
        earlier.transaction_number as transaction_number,
        earlier.{{ pair_column }} as {{ pair_column }}
    from {{ fact }} as earlier
    inner join new_pair_keys
        on new_pair_keys.{{ key }} = earlier.{{ key }}
        and new_pair_keys.{{ pair_column }} = earlier.{{ pair_column }}
    where not ({{ partition_filter(changed_days) }})
    {%- endif %}
),

earlier_sales as (
    select
        versions.{{ id }} as {{ id }},
        earlier_matches.transaction_number as transaction_number
        {%- if pair_column %},
        earlier_matches.{{ pair_column }} as {{ pair_column }}
        {%- endif %}
    from earlier_matches
    inner join versions
        on versions.{{ key }} = earlier_matches.{{ key }}
),

{{ lifetime_new_pairs(id, 'transaction_number', 'new_transactions', 'transaction_count') }},
{%- if pair_column %}

{{ lifetime_new_pairs(id, pair_column, 'new_pairs', pair_count) }},
{%- endif %}

added_sales as (
    select
        {{ id }},
        count(*) as sales_count,
        sum(quantity) as quantity,
        sum(gross_amount) as gross_amount,
        sum(discount_amount) as discount_amount,
        sum(net_amount) as net_amount,
        min(sales_date) as first_sales_date,
        max(sales_date) as last_sales_date
    from new_sales
    group by
        {{ id }}
),

counted_sales as (
    select
        {{ id }},
        sales_count,
        transaction_count,
        {%- if pair_column %}
        {{ pair_count }},
        {%- endif %}
        quantity,
        gross_amount,
        discount_amount,
        net_amount,
        first_sales_date,
        last_sales_date
    from {{ this }}
    where sales_count > 0
),

lifetime_sales as (
    select
        coalesce(counted_sales.{{ id }}, added_sales.{{ id }}) as {{ id }},
        coalesce(counted_sales.sales_count, 0) + coalesce(added_sales.sales_count, 0) as sales_count,
        coalesce(counted_sales.transaction_count, 0) + coalesce(new_transactions.transaction_count, 0) as transaction_count,
        {%- if pair_column %}
        coalesce(counted_sales.{{ pair_count }}, 0) + coalesce(new_pairs.{{ pair_count }}, 0) as {{ pair_count }},
        {%- endif %}
        coalesce(counted_sales.quantity, 0) + coalesce(added_sales.quantity, 0) as quantity,
        coalesce(counted_sales.gross_amount, 0) + coalesce(added_sales.gross_amount, 0) as gross_amount,
        coalesce(counted_sales.discount_amount, 0) + coalesce(added_sales.discount_amount, 0) as discount_amount,
        coalesce(counted_sales.net_amount, 0) + coalesce(added_sales.net_amount, 0) as net_amount,
        coalesce(least(counted_sales.first_sales_date, added_sales.first_sales_date), counted_sales.first_sales_date, added_sales.first_sales_date) as first_sales_date,
        coalesce(greatest(counted_sales.last_sales_date, added_sales.last_sales_date), counted_sales.last_sales_date, added_sales.last_sales_date) as last_sales_date
    from counted_sales
    full outer join added_sales
        on added_sales.{{ id }} = counted_sales.{{ id }}
    left join new_transactions
        on new_transactions.{{ id }} = coalesce(counted_sales.{{ id }}, added_sales.{{ id }})
    {%- if pair_column %}
    left join new_pairs
        on new_pairs.{{ id }} = coalesce(counted_sales.{{ id }}, added_sales.{{ id }})
    {%- endif %}
)
{%- endif %}
{%- endmacro %}

{#-
    lifetime_new_pairs(id, column, name, count): the CTE `name`, per id the number of distinct
    (id, column) pairs of new_sales not in earlier_sales, as `count`.
-#}
{% macro lifetime_new_pairs(id, column, name, count) -%}
{{ name }} as (
    select
        {{ id }},
        count(*) as {{ count }}
    from (
        select distinct
            {{ id }},
            {{ column }}
        from new_sales
        where {{ column }} is not null
    ) as pairs
    where not exists (
        select 1
        from earlier_sales
        where earlier_sales.{{ id }} = pairs.{{ id }}
            and earlier_sales.{{ column }} = pairs.{{ column }}
    )
    group by
        {{ id }}
)
{%- endmacro %}

{#-
    lifetime_totals(pair_count=none): the select list of lifetime_sales' totals for every row of
    the dimension (zero counts and amounts, NULL dates, when it has no sales).
-#}
{% macro lifetime_totals(pair_count=none) -%}
        {%- for column in ['sales_count', 'transaction_count', pair_count, 'quantity', 'gross_amount', 'discount_amount', 'net_amount'] if column %}
        coalesce(lifetime_sales.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        lifetime_sales.first_sales_date as first_sales_date,
        lifetime_sales.last_sales_date as last_sales_date
{%- endmacro %}
