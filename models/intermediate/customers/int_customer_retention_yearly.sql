-- C3 per complete fiscal year (ending by the as-of date) and customer active
-- on its first day, retained or not: the rule is the macro customer_retention,
-- shared with the quarterly and trailing-12-months tables.
with

years as (

    select
        fiscal_year,
        min(date_day) as fiscal_year_start_date,
        max(date_day) as fiscal_year_end_date
    from {{ ref('int_dates') }}
    group by fiscal_year

),

retention as (

    {{ customer_retention('years', 'fiscal_year_start_date', 'fiscal_year_end_date') }}

),

final as (

    select
        cast(fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
        fiscal_year_start_date,
        fiscal_year_end_date,
        account_id,
        is_retained
    from retention

)

select * from final
