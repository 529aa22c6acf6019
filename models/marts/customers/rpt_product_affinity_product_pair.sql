-- C5 winning combinations: for each ordered pair of products (X, Y) bought by
-- the same customer (on one opportunity or on different ones), support,
-- confidence and lift over all customers with a won product line.
with

lines as (

    select * from {{ ref('int_won_line_items') }}

),

products as (

    select distinct
        product_id,
        product_name
    from lines

),

account_products as (

    select distinct
        account_id,
        product_id
    from lines

),

customers as (

    select count(distinct account_id) as customers from account_products

),

product_customers as (

    select
        product_id,
        count(*) as customers_with_product
    from account_products
    group by 1

),

pairs as (

    select
        first_products.product_id,
        second_products.product_id as paired_product_id,
        count(*) as customers_with_both
    from account_products as first_products
    inner join account_products as second_products
        on
            first_products.account_id = second_products.account_id
            and first_products.product_id != second_products.product_id
    group by 1, 2

),

measured as (

    select
        pairs.product_id,
        pairs.paired_product_id,
        pairs.customers_with_both,
        product_customers.customers_with_product,
        paired_customers.customers_with_product as customers_with_paired_product,
        customers.customers,
        {{ safe_divide('pairs.customers_with_both', 'customers.customers') }} as support,
        {{ safe_divide('pairs.customers_with_both', 'product_customers.customers_with_product') }}
            as confidence,
        -- confidence / share of customers with the paired product, from the counts
        cast(
            1.0 * pairs.customers_with_both * customers.customers
            / nullif(
                product_customers.customers_with_product * paired_customers.customers_with_product,
                0
            )
            as {{ dbt.type_numeric() }}
        ) as lift
    from pairs
    cross join customers
    inner join product_customers on pairs.product_id = product_customers.product_id
    inner join product_customers as paired_customers
        on pairs.paired_product_id = paired_customers.product_id

),

final as (

    select
        measured.product_id,
        products.product_name,
        measured.paired_product_id,
        paired_products.product_name as paired_product_name,
        cast(measured.customers_with_both as {{ dbt.type_int() }}) as customers_with_both,
        cast(measured.customers_with_product as {{ dbt.type_int() }}) as customers_with_product,
        cast(measured.customers_with_paired_product as {{ dbt.type_int() }})
            as customers_with_paired_product,
        cast(measured.customers as {{ dbt.type_int() }}) as customers,
        measured.support,
        measured.confidence,
        measured.lift
    from measured
    left join products on measured.product_id = products.product_id
    left join products as paired_products on measured.paired_product_id = paired_products.product_id
    where measured.support >= {{ var('min_product_pair_support') }}

)

select * from final
