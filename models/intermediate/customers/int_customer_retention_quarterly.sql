-- C3 per complete fiscal quarter (ending by the as-of date) and customer
-- active on its first day, retained or not: the rule is the macro
-- customer_retention, shared with the yearly and trailing-12-months tables.
with

quarters as (

    select
        fiscal_quarter_start_date,
        max(date_day) as fiscal_quarter_end_date
    from {{ ref('int_dates') }}
    group by fiscal_quarter_start_date

),

retention as (

    {{ customer_retention('quarters', 'fiscal_quarter_start_date', 'fiscal_quarter_end_date') }}

),

final as (

    select
        fiscal_quarter_start_date,
        fiscal_quarter_end_date,
        account_id,
        is_retained
    from retention

)

select * from final
