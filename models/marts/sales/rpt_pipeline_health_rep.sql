-- F8 per rep at the as-of date: how old the open opportunities and open leads
-- are, and the open opportunities nobody touched in var stale_after_days.
with

snapshots as (

    select * from {{ ref('int_opportunity_snapshots') }}
    where is_as_of_snapshot

),

leads as (

    select * from {{ ref('int_leads_qualified') }}

),

lead_stages as (

    select * from {{ ref('stage_mapping') }}
    where record_type = 'Lead'

),

activities as (

    select * from {{ ref('int_activities_unioned') }}
    where is_completed and not is_deleted

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

last_touch as (

    -- the latest completed activity on the opportunity itself (its WhatId):
    -- Salesforce's LastActivityDate rule; activity on the account does not count
    select
        snapshots.opportunity_id,
        max(activities.activity_date) as last_activity_date
    from snapshots
    inner join activities
        on
            snapshots.opportunity_id = activities.opportunity_id
            and snapshots.snapshot_date >= activities.activity_date
    group by 1

),

staleness as (

    -- stale: no touch at all, or the last one before the stale window
    select
        snapshots.owner_user_id,
        snapshots.age_days,
        snapshots.amount,
        coalesce(
            last_touch.last_activity_date
            < {{ dbt.dateadd('day', -var('stale_after_days'), 'snapshots.snapshot_date') }},
            true
        ) as is_stale
    from snapshots
    left join last_touch on snapshots.opportunity_id = last_touch.opportunity_id

),

opportunity_health as (

    select
        owner_user_id,
        count(*) as open_opportunities,
        avg(age_days) as average_open_opportunity_age_days,
        sum(case when is_stale then 1 else 0 end) as stale_opportunities,
        sum(case when is_stale then amount else 0 end) as stale_pipeline_amount
    from staleness
    group by 1

),

lead_health as (

    -- an open lead: not converted and its status is not a closed one
    select
        leads.owner_user_id,
        count(*) as open_leads,
        avg({{ dbt.datediff('leads.created_date', 'as_of.as_of_date', 'day') }})
            as average_open_lead_age_days
    from leads
    cross join as_of
    left join lead_stages on leads.lead_status = lead_stages.crm_value
    where not leads.is_converted and not coalesce(lead_stages.is_closed, false)
    group by 1

),

owners as (

    select owner_user_id from opportunity_health
    union
    select owner_user_id from lead_health

),

final as (

    select
        owners.owner_user_id,
        as_of.as_of_date,
        cast(coalesce(opportunity_health.open_opportunities, 0) as {{ dbt.type_int() }})
            as open_opportunities,
        cast(opportunity_health.average_open_opportunity_age_days as {{ dbt.type_numeric() }})
            as average_open_opportunity_age_days,
        cast(coalesce(lead_health.open_leads, 0) as {{ dbt.type_int() }}) as open_leads,
        cast(lead_health.average_open_lead_age_days as {{ dbt.type_numeric() }})
            as average_open_lead_age_days,
        cast(coalesce(opportunity_health.stale_opportunities, 0) as {{ dbt.type_int() }})
            as stale_opportunities,
        cast(coalesce(opportunity_health.stale_pipeline_amount, 0) as {{ dbt.type_numeric() }})
            as stale_pipeline_amount
    from owners
    cross join as_of
    left join opportunity_health on owners.owner_user_id = opportunity_health.owner_user_id
    left join lead_health on owners.owner_user_id = lead_health.owner_user_id

)

select * from final
