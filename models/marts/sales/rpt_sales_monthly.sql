-- F11 per calendar month: won amount and count, new customers (accounts whose
-- first won opportunity closed in the month), each with the change against
-- the month before.
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

months as (

    select distinct dates.month_start_date
    from dates
    cross join as_of
    where
        dates.date_day <= as_of.as_of_date
        and dates.date_day >= (select min(opportunities.close_date) from opportunities)

),

won as (

    select
        dates.month_start_date,
        count(*) as won_opportunities,
        sum(opportunities.amount) as won_amount
    from opportunities
    inner join dates on opportunities.close_date = dates.date_day
    group by 1

),

new_customers as (

    select
        dates.month_start_date,
        count(*) as new_customers
    from accounts
    inner join dates on accounts.first_won_date = dates.date_day
    group by 1

),

monthly as (

    select
        months.month_start_date,
        coalesce(won.won_amount, 0) as won_amount,
        coalesce(won.won_opportunities, 0) as won_opportunities,
        coalesce(new_customers.new_customers, 0) as new_customers
    from months
    left join won on months.month_start_date = won.month_start_date
    left join new_customers on months.month_start_date = new_customers.month_start_date

),

final as (

    select
        month_start_date,
        cast(won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(won_opportunities as {{ dbt.type_int() }}) as won_opportunities,
        cast(new_customers as {{ dbt.type_int() }}) as new_customers,
        cast(
            won_amount
            - lag(won_amount) over (order by month_start_date) as {{ dbt.type_numeric() }}
        )
            as won_amount_change,
        {{ safe_divide(
            'won_amount - lag(won_amount) over (order by month_start_date)',
            'lag(won_amount) over (order by month_start_date)'
        ) }} as won_amount_change_rate,
        cast(
            won_opportunities - lag(won_opportunities) over (order by month_start_date)
            as {{ dbt.type_int() }}
        ) as won_opportunities_change,
        cast(
            new_customers - lag(new_customers) over (order by month_start_date)
            as {{ dbt.type_int() }}
        ) as new_customers_change
    from monthly

)

select * from final
