-- A7 per hire cohort (fiscal year of hire), for all quota-carrying reps (team 'all') and
-- per team: of the reps whose first 12 months ended on or before the as-of date, the share
-- still employed 12 months after their hire date.
with

reps as (

    select * from {{ ref('dim_reps') }}
    where is_quota_carrying and hire_date is not null

),

dates as (

    select * from {{ ref('dim_dates') }}

),

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

cohort_members as (

    select
        hire_dates.fiscal_year as hire_fiscal_year,
        reps.team,
        reps.user_id,
        cast({{ dbt.dateadd('month', 12, 'reps.hire_date') }} as date) <= as_of.as_of_date
            as has_reached_12_months,
        coalesce(
            reps.termination_date >= cast({{ dbt.dateadd('month', 12, 'reps.hire_date') }} as date),
            true
        ) as is_employed_12_months_after_hire
    from reps
    cross join as_of
    -- a hire before the calendar starts keeps a row of its own (null cohort)
    left join dates as hire_dates on reps.hire_date = hire_dates.date_day

),

final as (

    {% for grouping in ['team', none] %}
        select
            hire_fiscal_year,
            {{ 'team' if grouping else "'all'" }} as team,
            cast(count(*) as {{ dbt.type_int() }}) as hired_reps,
            cast(sum(case when has_reached_12_months then 1 else 0 end) as {{ dbt.type_int() }})
                as eligible_reps,
            cast(
                sum(
                    case
                        when has_reached_12_months and is_employed_12_months_after_hire then 1
                        else 0
                    end
                ) as {{ dbt.type_int() }}
            ) as retained_reps,
            {{ safe_divide(
                'sum(case when has_reached_12_months and is_employed_12_months_after_hire'
                ~ ' then 1 else 0 end)',
                'sum(case when has_reached_12_months then 1 else 0 end)'
            ) }} as rep_retention_rate_12_months_after_hire
        from cohort_members
        group by {{ 'hire_fiscal_year, team' if grouping else 'hire_fiscal_year' }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
