-- One row per rep, fiscal year and prospect the rep contacted in the year: the
-- one definition of a prospect for A3. The rep table counts its rows, the team
-- table counts distinct prospects over the team's reps (a prospect two reps of
-- a team worked counts once there).
with

dates as (

    select * from {{ ref('int_dates') }}

),

prospects as (

    select distinct
        activities.owner_user_id,
        dates.fiscal_year,
        -- a prospect is a lead or a non-customer account the rep contacted
        coalesce(activities.account_id, activities.lead_id) as prospect_key
    from {{ ref('int_activities_enriched') }} as activities
    inner join dates on activities.activity_date = dates.date_day
    where
        not activities.is_customer_at_activity
        and coalesce(activities.account_id, activities.lead_id) is not null

),

final as (

    select
        owner_user_id,
        cast(fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
        prospect_key
    from prospects

)

select * from final
