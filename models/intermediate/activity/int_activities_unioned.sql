-- Tasks and events as one list of activities, with the Salesforce polymorphic
-- WhoId / WhatId resolved by id prefix (00Q lead, 003 contact, 001 account,
-- 006 opportunity). Open and deleted ones are kept with flags; KPIs filter.
with

tasks as (

    select * from {{ ref('int_tasks_as_of') }}

),

events as (

    select * from {{ ref('int_events_as_of') }}

),

unioned as (

    select
        task_id as activity_id,
        'Task' as activity_object,
        owner_user_id,
        task_type as crm_type,
        who_id,
        what_id,
        account_id as rolled_up_account_id,
        activity_date,
        created_at,
        coalesce(is_closed, false) as is_completed,
        is_deleted,
        cast(call_duration_seconds / 60.0 as {{ dbt.type_numeric() }}) as duration_minutes
    from tasks

    union all

    select
        event_id as activity_id,
        'Event' as activity_object,
        owner_user_id,
        event_type as crm_type,
        who_id,
        what_id,
        account_id as rolled_up_account_id,
        activity_date,
        created_at,
        -- an event is done once its date has passed (int_events_as_of)
        is_completed,
        is_deleted,
        cast(duration_minutes as {{ dbt.type_numeric() }}) as duration_minutes
    from events

),

resolved as (

    select
        activity_id,
        activity_object,
        owner_user_id,
        crm_type,
        case when who_id like '00Q%' then who_id end as lead_id,
        case when who_id like '003%' then who_id end as contact_id,
        case when what_id like '006%' then what_id end as opportunity_id,
        coalesce(
            rolled_up_account_id, case when what_id like '001%' then what_id end
        ) as account_id,
        activity_date,
        created_at,
        is_completed,
        is_deleted,
        duration_minutes
    from unioned

)

select * from resolved
