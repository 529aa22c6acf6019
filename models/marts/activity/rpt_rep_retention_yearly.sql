-- A7 per fiscal year, for the whole sales force (team 'all') and per team:
-- of the quota-carrying reps (rep_roles.csv) hired at least 12 months before the year end,
-- the share still employed at the year end.
with

reps as (

    select * from {{ ref('dim_reps') }}
    where is_quota_carrying

),

dates as (

    select * from {{ ref('dim_dates') }}

),

year_ends as (

    select
        fiscal_year,
        max(date_day) as fiscal_year_end_date,
        cast({{ dbt.dateadd('month', -12, 'max(date_day)') }} as date) as twelve_months_before_end
    from dates
    group by 1
    having
        max(date_day) <= (select as_of.as_of_date from {{ ref('int_export_as_of_date') }} as as_of)
        and max(date_day) >= (select min(reps.hire_date) from reps)

),

eligible as (

    select
        year_ends.fiscal_year,
        reps.team,
        reps.user_id,
        coalesce(reps.termination_date >= year_ends.fiscal_year_end_date, true)
            as is_employed_at_year_end
    from year_ends
    inner join reps
        on year_ends.twelve_months_before_end >= reps.hire_date
    -- people who left before those 12 months began are not part of that year's base
    where
        reps.termination_date is null
        or reps.termination_date > year_ends.twelve_months_before_end

),

final as (

    {% for grouping in ['team', none] %}
        select
            fiscal_year,
            {{ 'team' if grouping else "'all'" }},
            cast(count(*) as {{ dbt.type_int() }}) as eligible_reps,
            cast(sum(case when is_employed_at_year_end then 1 else 0 end) as {{ dbt.type_int() }})
                as retained_reps,
            {{ safe_divide(
                'sum(case when is_employed_at_year_end then 1 else 0 end)', 'count(*)'
            ) }} as rep_retention_rate
        from eligible
        group by {{ 'fiscal_year, team' if grouping else 'fiscal_year' }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
