-- Events created on or before the as-of date. An event whose activity date is
-- after the as-of date is planned, not done: is_completed is false.
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

events as (

    select * from {{ ref('stg_salesforce__events') }}

),

final as (

    select
        events.event_id,
        events.owner_user_id,
        events.who_id,
        events.what_id,
        events.account_id,
        events.event_type,
        events.event_subtype,
        events.subject,
        events.duration_minutes,
        events.is_deleted,
        events.activity_date,
        events.started_at,
        events.ended_at,
        events.created_at,
        events.activity_date <= as_of.as_of_date as is_completed
    from events
    cross join as_of
    where cast(events.created_at as date) <= as_of.as_of_date

)

select * from final
