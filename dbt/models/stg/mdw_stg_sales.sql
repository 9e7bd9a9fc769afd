{#-
    Staging of sales: one row per sales_id, typed, with the reason a row is not usable.

    * Text is trimmed and an empty string becomes NULL; values that do not parse become NULL.
    * reject_reason is NULL for a valid sale, else the first rule that fails, in this order:
      missing_/invalid_employee_id, missing_/invalid_customer_id, missing_/invalid_product_id,
      missing_/invalid_quantity, negative_quantity, zero_quantity,
      missing_/invalid_discount_rate, discount_rate_out_of_range, invalid_total_price,
      missing_/invalid_sales_at, sales_at_out_of_range (outside [sales_at_min, sales_at_max)).
    * partition is the landing folder the row came from (YYYYMMDD of the daily layout's
      sales/partition=YYYYMMDD/; NULL for the single file and for undated rows). A filter on
      it reaches the raw scan: the fact's incremental run reads only the new days' folders.
    * Rows without a parseable sales_id are dropped; of several rows with the same sales_id
      in one landing folder the first by (valid before rejected, then every column ascending)
      is kept. A sales_id landing again on a later day is a correction: the fact keeps the
      latest (its merge on sales_id). The test assert_stg_rejected_rows reports how many raw
      rows staging dropped or rejected.
    * total_price is 0 on every published row: typed here, never used for revenue.
-#}
with source as (
    select
        {{ clean_string('SalesID') }} as sales_id_text,
        {{ clean_string('SalesPersonID') }} as employee_id_text,
        {{ clean_string('CustomerID') }} as customer_id_text,
        {{ clean_string('ProductID') }} as product_id_text,
        {{ clean_string('Quantity') }} as quantity_text,
        {{ clean_string('Discount') }} as discount_rate_text,
        {{ clean_string('TotalPrice') }} as total_price_text,
        {{ clean_string('SalesDate') }} as sales_at_text,
        {{ clean_string('TransactionNumber') }} as transaction_number,
        {{ landing_partition() }} as partition
    from {{ source('grocery', 'sales') }}
),

typed as (
    select
        {{ try_cast_as('sales_id_text', 'bigint') }} as sales_id,
        {{ try_cast_as('employee_id_text', 'integer') }} as employee_id,
        {{ try_cast_as('customer_id_text', 'integer') }} as customer_id,
        {{ try_cast_as('product_id_text', 'integer') }} as product_id,
        {{ try_cast_as('quantity_text', 'integer') }} as quantity,
        {{ try_cast_as('discount_rate_text', 'decimal(9, 4)') }} as discount_rate,
        {{ try_cast_as('total_price_text', 'decimal(18, 4)') }} as total_price,
        {{ try_cast_as('sales_at_text', 'timestamp') }} as sales_at,
        transaction_number,
        partition,
        employee_id_text,
        customer_id_text,
        product_id_text,
        quantity_text,
        discount_rate_text,
        total_price_text,
        sales_at_text
    from source
),

validated as (
    select
        sales_id,
        employee_id,
        customer_id,
        product_id,
        quantity,
        discount_rate,
        total_price,
        sales_at,
        transaction_number,
        partition,
        case
            when employee_id_text is null then 'missing_employee_id'
            when employee_id is null then 'invalid_employee_id'
            when customer_id_text is null then 'missing_customer_id'
            when customer_id is null then 'invalid_customer_id'
            when product_id_text is null then 'missing_product_id'
            when product_id is null then 'invalid_product_id'
            when quantity_text is null then 'missing_quantity'
            when quantity is null then 'invalid_quantity'
            when quantity < 0 then 'negative_quantity'
            when quantity = 0 then 'zero_quantity'
            when discount_rate_text is null then 'missing_discount_rate'
            when discount_rate is null then 'invalid_discount_rate'
            when discount_rate < 0 or discount_rate > 1 then 'discount_rate_out_of_range'
            when total_price_text is not null and total_price is null then 'invalid_total_price'
            when sales_at_text is null then 'missing_sales_at'
            when sales_at is null then 'invalid_sales_at'
            when sales_at < cast('{{ var("sales_at_min") }}' as timestamp)
                or sales_at >= cast('{{ var("sales_at_max") }}' as timestamp) then 'sales_at_out_of_range'
        end as reject_reason,
        employee_id_text,
        customer_id_text,
        product_id_text,
        quantity_text,
        discount_rate_text,
        total_price_text,
        sales_at_text
    from typed
    where sales_id is not null
),

-- One window ranks every row within its landing folder and sales_id (partition first, so a
-- filter on partition passes the window and reaches the raw scan). Keys are almost always unique, so the sort
-- rarely compares beyond sales_id; a single pass streams better than counting keys first and
-- ranking duplicates apart (that needs the rows twice, which DuckDB materializes).
ranked as (
    select
        sales_id,
        employee_id,
        customer_id,
        product_id,
        quantity,
        discount_rate,
        total_price,
        sales_at,
        transaction_number,
        reject_reason,
        partition,
        row_number() over (
            partition by partition, sales_id
            order by
                case when reject_reason is null then 0 else 1 end,
                employee_id_text nulls last,
                customer_id_text nulls last,
                product_id_text nulls last,
                quantity_text nulls last,
                discount_rate_text nulls last,
                total_price_text nulls last,
                sales_at_text nulls last,
                transaction_number nulls last
        ) as duplicate_rank
    from validated
),

deduplicated as (
    select
        sales_id,
        employee_id,
        customer_id,
        product_id,
        quantity,
        discount_rate,
        total_price,
        sales_at,
        transaction_number,
        reject_reason,
        partition
    from ranked
    where duplicate_rank = 1
),

final as (
    select
        sales_id,
        employee_id,
        customer_id,
        product_id,
        quantity,
        discount_rate,
        total_price,
        sales_at,
        transaction_number,
        reject_reason,
        partition
    from deduplicated
)

select
    sales_id,
    employee_id,
    customer_id,
    product_id,
    quantity,
    discount_rate,
    total_price,
    sales_at,
    transaction_number,
    reject_reason,
    partition
from final
