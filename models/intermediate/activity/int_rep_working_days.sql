-- One row per rep (rep_roster.csv) and day of employment: from the hire date
-- to the termination date, or while employed to the end of the fiscal year
-- of the as-of date (capacity plans look ahead to the year end). Working days
-- are Monday to Friday; the calendar knows no public holidays.
with

reps as (

    select * from {{ ref('int_reps_enriched') }}
    where hire_date is not null

),

dates as (

    select * from {{ ref('int_dates') }}

),

as_of as (

    select
        as_of_dates.as_of_date,
        max(dates.date_day) as as_of_fiscal_year_end_date
    from {{ ref('int_export_as_of_date') }} as as_of_dates
    inner join dates as as_of_day on as_of_dates.as_of_date = as_of_day.date_day
    inner join dates on as_of_day.fiscal_year = dates.fiscal_year
    group by as_of_dates.as_of_date

),

final as (

    select
        reps.user_id,
        dates.date_day,
        dates.fiscal_year,
        dates.week_start_date,
        dates.is_weekday as is_working_day,
        dates.date_day <= as_of.as_of_date as is_elapsed
    from reps
    cross join as_of
    inner join dates
        on
            reps.hire_date <= dates.date_day
            and coalesce(reps.termination_date, as_of.as_of_fiscal_year_end_date)
            >= dates.date_day

)

select * from final
