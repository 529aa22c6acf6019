-- A2 per rep and week (Monday start): visits per working day, customer vs
-- non-customer visits, prospect and loyalty visits. A week appears when the
-- rep was employed in it (up to the as-of date) or logged a visit in it. The
-- target is the rep's visits_per_day target of the period containing the
-- week's Monday (sales_targets.csv).
with

working_days as (

    select
        user_id as owner_user_id,
        week_start_date,
        sum(case when is_working_day then 1 else 0 end) as working_days
    from {{ ref('int_rep_working_days') }}
    where is_elapsed
    group by 1, 2

),

visits as (

    select
        owner_user_id,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start_date,
        count(*) as visits,
        sum(case when is_customer_visit then 1 else 0 end) as customer_visits,
        sum(case when is_prospect_visit then 1 else 0 end) as prospect_visits,
        sum(case when is_loyalty_visit then 1 else 0 end) as loyalty_visits
    from {{ ref('int_visits_classified') }}
    group by 1, 2

),

reps as (

    select * from {{ ref('dim_reps') }}

),

visit_targets as (

    select
        user_id,
        week_start_date,
        visits_per_day_target as target_value
    from {{ ref('int_sales_targets_weekly') }}
    where target_level = 'rep' and visits_per_day_target is not null

),

rep_weeks as (

    select
        coalesce(working_days.owner_user_id, visits.owner_user_id) as owner_user_id,
        coalesce(working_days.week_start_date, visits.week_start_date) as week_start_date,
        coalesce(working_days.working_days, 0) as working_days,
        coalesce(visits.visits, 0) as visits,
        coalesce(visits.customer_visits, 0) as customer_visits,
        coalesce(visits.prospect_visits, 0) as prospect_visits,
        coalesce(visits.loyalty_visits, 0) as loyalty_visits
    from working_days
    full outer join visits
        on
            working_days.owner_user_id = visits.owner_user_id
            and working_days.week_start_date = visits.week_start_date

),

final as (

    select
        rep_weeks.owner_user_id,
        reps.team,
        rep_weeks.week_start_date,
        cast(rep_weeks.working_days as {{ dbt.type_int() }}) as working_days,
        cast(rep_weeks.visits as {{ dbt.type_int() }}) as visits,
        {{ safe_divide('rep_weeks.visits', 'rep_weeks.working_days') }} as visits_per_working_day,
        cast(rep_weeks.customer_visits as {{ dbt.type_int() }}) as customer_visits,
        cast(rep_weeks.visits - rep_weeks.customer_visits as {{ dbt.type_int() }})
            as non_customer_visits,
        {{ safe_divide(
            'rep_weeks.customer_visits', 'rep_weeks.visits - rep_weeks.customer_visits'
        ) }} as customer_to_non_customer_visit_ratio,
        cast(rep_weeks.prospect_visits as {{ dbt.type_int() }}) as prospect_visits,
        cast(rep_weeks.loyalty_visits as {{ dbt.type_int() }}) as loyalty_visits,
        cast(visit_targets.target_value as {{ dbt.type_numeric() }}) as visits_per_day_target,
        {{ safe_divide(
            safe_divide('rep_weeks.visits', 'rep_weeks.working_days'), 'visit_targets.target_value'
        ) }} as visits_per_day_attainment
    from rep_weeks
    left join reps on rep_weeks.owner_user_id = reps.user_id
    left join visit_targets
        on
            rep_weeks.owner_user_id = visit_targets.user_id
            and rep_weeks.week_start_date = visit_targets.week_start_date

)

select * from final
