-- First contact of each opportunity (F7): the earliest of the converted lead's
-- creation, the first completed activity on that lead or on the opportunity,
-- the first completed activity on the opportunity's account (or its
-- contacts) in the var first_contact_lookback_days before the opportunity
-- was created, and the opportunity's own creation.
with

opportunities as (

    select * from {{ ref('int_opportunities_as_of') }}

),

leads as (

    select * from {{ ref('int_leads_as_of') }}
    where not is_deleted and converted_opportunity_id is not null

),

activities as (

    select * from {{ ref('int_activities_unioned') }}
    where is_completed and not is_deleted

),

candidates as (

    select
        opportunity_id,
        cast(created_at as date) as contact_date,
        'opportunity created' as first_contact_source
    from opportunities

    union all

    select
        converted_opportunity_id as opportunity_id,
        cast(created_at as date) as contact_date,
        'lead created' as first_contact_source
    from leads

    union all

    select
        leads.converted_opportunity_id as opportunity_id,
        activities.activity_date as contact_date,
        'activity on lead' as first_contact_source
    from leads
    inner join activities on leads.lead_id = activities.lead_id

    union all

    select
        opportunity_id,
        activity_date as contact_date,
        'activity on opportunity' as first_contact_source
    from activities
    where opportunity_id is not null

    union all

    select
        opportunities.opportunity_id,
        activities.activity_date as contact_date,
        'activity on account' as first_contact_source
    from opportunities
    inner join activities
        on
            opportunities.account_id = activities.account_id
            and activities.activity_date <= cast(opportunities.created_at as date)
            and activities.activity_date >= {{ dbt.dateadd(
                'day', -var('first_contact_lookback_days'), 'cast(opportunities.created_at as date)'
            ) }}

),

ranked as (

    select
        opportunity_id,
        contact_date,
        first_contact_source,
        row_number() over (
            partition by opportunity_id
            order by contact_date, first_contact_source
        ) as contact_rank
    from candidates
    where contact_date is not null

),

final as (

    select
        opportunity_id,
        contact_date as first_contact_date,
        first_contact_source
    from ranked
    where contact_rank = 1

)

select * from final
