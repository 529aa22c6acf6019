-- A4 per rep and fiscal year: the visit capacity plan of sources/002, one
-- column per step so a manager reads the calculation line by line:
--   working days x visits per day                  = visit capacity
--   - loyalty visits (customer visits, no revenue) = sales capacity
--   - visits per order x orders needed              = rest capacity
-- Observed figures of a year still running are extrapolated to the whole
-- year at the rate per elapsed working day.
{%- set working_days_per_year = var('working_days_per_year') %}
with

rep_years as (

    select
        user_id as owner_user_id,
        fiscal_year,
        sum(case when is_working_day then 1 else 0 end) as employed_weekdays,
        sum(case when is_working_day and is_elapsed then 1 else 0 end)
            as elapsed_employed_weekdays
    from {{ ref('int_rep_working_days') }}
    group by 1, 2

),

year_weekdays as (

    select
        fiscal_year,
        sum(case when is_weekday then 1 else 0 end) as weekdays
    from {{ ref('dim_dates') }}
    group by 1

),

dates as (

    select * from {{ ref('dim_dates') }}

),

visits as (

    select
        visits.owner_user_id,
        dates.fiscal_year,
        count(*) as visits,
        sum(case when visits.is_loyalty_visit then 1 else 0 end) as loyalty_visits
    from {{ ref('int_visits_classified') }} as visits
    inner join dates on visits.activity_date = dates.date_day
    group by 1, 2

),

-- the year's fiscal quarters: won_amount added up, visits_per_day averaged
targets as (

    select
        user_id as owner_user_id,
        fiscal_year,
        avg(visits_per_day_target) as visits_per_day_target,
        sum(won_amount_target) as won_amount_target
    from {{ ref('int_sales_targets_by_fiscal_quarter') }}
    where target_level = 'rep'
    group by 1, 2

),

process_ratios as (

    select * from {{ ref('int_process_ratios_rep_yearly') }}

),

reps as (

    select * from {{ ref('dim_reps') }}

),

-- working days: var working_days_per_year for a full year, in proportion to
-- the weekdays of the year the rep was employed (rep_roster.csv)
days as (

    select
        rep_years.owner_user_id,
        rep_years.fiscal_year,
        -- days, visits and orders in double on every engine (macros/type_double.sql)
        cast({{ working_days_per_year }} * rep_years.employed_weekdays as {{ type_double() }})
        / year_weekdays.weekdays as working_days,
        cast(
            {{ working_days_per_year }} * rep_years.elapsed_employed_weekdays as {{ type_double() }}
        ) / year_weekdays.weekdays as elapsed_working_days
    from rep_years
    inner join year_weekdays on rep_years.fiscal_year = year_weekdays.fiscal_year

),

observed as (

    select
        days.owner_user_id,
        days.fiscal_year,
        days.working_days,
        days.elapsed_working_days,
        targets.visits_per_day_target,
        coalesce(visits.visits, 0) / nullif(days.elapsed_working_days, 0)
            as visits_per_day_observed,
        -- loyalty visits extrapolated from the elapsed working days to the year
        coalesce(visits.loyalty_visits, 0) * days.working_days
        / nullif(days.elapsed_working_days, 0) as service_visits,
        targets.won_amount_target,
        process_ratios.average_order_size,
        process_ratios.visits_per_order
    from days
    left join visits
        on days.owner_user_id = visits.owner_user_id and days.fiscal_year = visits.fiscal_year
    left join targets
        on days.owner_user_id = targets.owner_user_id and days.fiscal_year = targets.fiscal_year
    left join process_ratios
        on
            days.owner_user_id = process_ratios.owner_user_id
            and days.fiscal_year = process_ratios.fiscal_year

),

visit_capacity as (

    select
        *,
        coalesce(visits_per_day_target, visits_per_day_observed) as visits_per_day,
        working_days * coalesce(visits_per_day_target, visits_per_day_observed) as visit_capacity,
        cast(won_amount_target as {{ type_double() }})
        / nullif(cast(average_order_size as {{ type_double() }}), 0) as orders_needed
    from observed

),

steps as (

    select
        *,
        visit_capacity - service_visits as sales_capacity,
        visits_per_order * orders_needed as revenue_capacity,
        visit_capacity - service_visits - visits_per_order * orders_needed as rest_capacity
    from visit_capacity

),

final as (

    select
        steps.owner_user_id,
        reps.team,
        cast(steps.fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
        cast(steps.working_days as {{ dbt.type_numeric() }}) as working_days,
        cast(steps.elapsed_working_days as {{ dbt.type_numeric() }}) as elapsed_working_days,
        cast(steps.visits_per_day_target as {{ dbt.type_numeric() }}) as visits_per_day_target,
        cast(steps.visits_per_day_observed as {{ dbt.type_numeric() }}) as visits_per_day_observed,
        cast(steps.visits_per_day as {{ dbt.type_numeric() }}) as visits_per_day,
        cast(steps.visit_capacity as {{ dbt.type_numeric() }}) as visit_capacity,
        cast(steps.service_visits as {{ dbt.type_numeric() }}) as service_visits,
        cast(steps.sales_capacity as {{ dbt.type_numeric() }}) as sales_capacity,
        cast(steps.won_amount_target as {{ dbt.type_numeric() }}) as won_amount_target,
        cast(steps.average_order_size as {{ dbt.type_numeric() }}) as average_order_size,
        cast(steps.orders_needed as {{ dbt.type_numeric() }}) as orders_needed,
        cast(steps.visits_per_order as {{ dbt.type_numeric() }}) as visits_per_order,
        cast(steps.revenue_capacity as {{ dbt.type_numeric() }}) as revenue_capacity,
        cast(steps.rest_capacity as {{ dbt.type_numeric() }}) as rest_capacity,
        coalesce(steps.rest_capacity < 0, false) as is_rest_capacity_negative
    from steps
    left join reps on steps.owner_user_id = reps.user_id

)

select * from final
