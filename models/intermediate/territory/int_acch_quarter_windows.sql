-- A6: the fiscal quarters up to the as-of date, each with its evaluation date
-- (the quarter end, or the as-of date for the quarter still running) and the
-- windows the ACCH flags look back over from it (exclusive at their start,
-- inclusive at the evaluation date).
with

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

quarters as (

    select
        dates.fiscal_quarter_start_date,
        min(
            case
                when dates.fiscal_quarter_end_date < as_of.as_of_date
                    then dates.fiscal_quarter_end_date
                else as_of.as_of_date
            end
        ) as evaluation_date
    from dates
    cross join as_of
    where dates.fiscal_quarter_start_date <= as_of.as_of_date
    group by 1

),

final as (

    select
        fiscal_quarter_start_date,
        evaluation_date,
        cast({{ dbt.dateadd('day', -90, 'evaluation_date') }} as date) as coverage_window_start,
        cast({{ dbt.dateadd('month', -12, 'evaluation_date') }} as date) as hit_window_start
    from quarters

)

select * from final
