-- C5 per rep and fiscal quarter of close: won line amounts from new
-- customers, and from existing customers split into upsell and cross-sell;
-- and the cross-selling ratio of the customers the rep sold to.
with

lines as (

    select * from {{ ref('int_won_line_items') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

amounts as (

    select
        owner_user_id,
        close_fiscal_quarter_start_date as fiscal_quarter_start_date,
        sum(case when sale_type = 'new_customer' then line_amount else 0 end)
            as new_customer_amount,
        sum(case when sale_type != 'new_customer' then line_amount else 0 end)
            as existing_customer_amount,
        sum(case when sale_type = 'upsell' then line_amount else 0 end) as upsell_amount,
        sum(case when sale_type = 'cross_sell' then line_amount else 0 end) as cross_sell_amount
    from lines
    group by 1, 2

),

rep_customers as (

    select distinct
        owner_user_id,
        close_fiscal_quarter_start_date as fiscal_quarter_start_date,
        account_id
    from lines

),

quarter_ends as (

    select
        fiscal_quarter_start_date,
        max(date_day) as fiscal_quarter_end_date
    from dates
    group by 1

),

portfolio as (

    -- products each of those customers had bought by the quarter's end, from any rep
    select
        rep_customers.owner_user_id,
        rep_customers.fiscal_quarter_start_date,
        count(distinct rep_customers.account_id) as customers_sold_to,
        count(distinct {{ dbt.concat(['rep_customers.account_id', "'|'", 'lines.product_id']) }})
            as customer_products
    from rep_customers
    inner join quarter_ends
        on rep_customers.fiscal_quarter_start_date = quarter_ends.fiscal_quarter_start_date
    inner join lines
        on
            rep_customers.account_id = lines.account_id
            and quarter_ends.fiscal_quarter_end_date >= lines.close_date
    group by 1, 2

),

final as (

    select
        amounts.owner_user_id,
        amounts.fiscal_quarter_start_date,
        cast(amounts.new_customer_amount as {{ dbt.type_numeric() }}) as new_customer_amount,
        cast(amounts.existing_customer_amount as {{ dbt.type_numeric() }})
            as existing_customer_amount,
        cast(amounts.upsell_amount as {{ dbt.type_numeric() }}) as upsell_amount,
        cast(amounts.cross_sell_amount as {{ dbt.type_numeric() }}) as cross_sell_amount,
        cast(portfolio.customers_sold_to as {{ dbt.type_int() }}) as customers_sold_to,
        {{ safe_divide('portfolio.customer_products', 'portfolio.customers_sold_to') }}
            as cross_selling_ratio
    from amounts
    left join portfolio
        on
            amounts.owner_user_id = portfolio.owner_user_id
            and amounts.fiscal_quarter_start_date = portfolio.fiscal_quarter_start_date

)

select * from final
