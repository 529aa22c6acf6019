-- I7 per rep and fiscal quarter: prospecting and lead-generation activities
-- (activity_types.time_category) and new opportunities, and how many of each
-- concern new business (a lead, or an account that was not a customer at the
-- time), beside the team median of the activity share. Territories new to a
-- rep are not measured: rep_roster.csv holds one territory per rep, with no
-- history.
with

activities as (

    select * from {{ ref('int_activities_enriched') }}
    where time_category in ('prospecting', 'lead_generation')

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

accounts as (

    select * from {{ ref('int_accounts_enriched') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

reps as (

    select * from {{ ref('int_reps_enriched') }}

),

activity_counts as (

    select
        activities.owner_user_id,
        dates.fiscal_quarter_start_date,
        count(*) as prospecting_activities,
        sum(case when activities.is_customer_at_activity then 0 else 1 end)
            as new_business_activities
    from activities
    inner join dates on activities.activity_date = dates.date_day
    group by 1, 2

),

opportunity_counts as (

    select
        opportunities.owner_user_id,
        opportunities.created_fiscal_quarter_start_date as fiscal_quarter_start_date,
        count(*) as new_opportunities,
        sum(
            case
                when
                    accounts.first_won_date is null
                    or accounts.first_won_date > opportunities.created_date
                    then 1
                else 0
            end
        ) as new_business_opportunities
    from opportunities
    left join accounts on opportunities.account_id = accounts.account_id
    group by 1, 2

),

rep_quarters as (

    select
        coalesce(activity_counts.owner_user_id, opportunity_counts.owner_user_id) as owner_user_id,
        coalesce(
            activity_counts.fiscal_quarter_start_date, opportunity_counts.fiscal_quarter_start_date
        )
            as fiscal_quarter_start_date,
        coalesce(activity_counts.prospecting_activities, 0) as prospecting_activities,
        coalesce(activity_counts.new_business_activities, 0) as new_business_activities,
        coalesce(opportunity_counts.new_opportunities, 0) as new_opportunities,
        coalesce(opportunity_counts.new_business_opportunities, 0) as new_business_opportunities
    from activity_counts
    full outer join opportunity_counts
        on
            activity_counts.owner_user_id = opportunity_counts.owner_user_id
            and activity_counts.fiscal_quarter_start_date
            = opportunity_counts.fiscal_quarter_start_date

),

with_team as (

    select
        rep_quarters.*,
        reps.team,
        {{ safe_divide(
            'rep_quarters.new_business_activities', 'rep_quarters.prospecting_activities'
        ) }}
            as new_business_activity_share
    from rep_quarters
    left join reps on rep_quarters.owner_user_id = reps.user_id

),

team_medians as (

    select
        team,
        fiscal_quarter_start_date,
        {{ median('new_business_activity_share') }} as team_median_new_business_activity_share
    from with_team
    where team is not null
    group by 1, 2

),

final as (

    select
        with_team.owner_user_id,
        with_team.fiscal_quarter_start_date,
        with_team.prospecting_activities,
        with_team.new_business_activities,
        with_team.new_business_activity_share,
        with_team.new_opportunities,
        with_team.new_business_opportunities,
        team_medians.team_median_new_business_activity_share
    from with_team
    left join team_medians
        on
            with_team.team = team_medians.team
            and with_team.fiscal_quarter_start_date = team_medians.fiscal_quarter_start_date

)

select * from final
