-- One row per completed Task or Event up to the as-of date (soft deletes
-- excluded), classified by the editable activity_types seed, resolved to the
-- lead, contact, account and opportunity it concerns, and marked customer or
-- not at the activity date.
--
-- Incremental (macros/incremental.sql): a run on an existing table recomputes
-- the activities created or dated within the lookback window and any completed
-- activity the table lacks (completed or restored later, whenever created); the
-- post-hook drops activities since soft-deleted or reopened.
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='activity_id',
        on_schema_change='fail',
        post_hook=[
            "{% if is_incremental() %}delete from {{ this }} where activity_id in (
                select activity_id from {{ ref('int_activities_unioned') }}
                where is_deleted or not is_completed
            ){% endif %}"
        ]
    )
}}

with

activities as (

    select * from {{ ref('int_activities_unioned') }}
    where
        is_completed and not is_deleted
    {% if is_incremental() %}
            and (
                created_at >= {{ incremental_cutoff('created_at') }}
                or activity_date >= {{ incremental_cutoff('created_at') }}
                or activity_id not in (select activity_id from {{ this }})
            )
    {% endif %}

),

activity_types as (

    select * from {{ ref('activity_types') }}

),

contacts as (

    select * from {{ ref('int_contacts_as_of') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_as_of') }}

),

accounts as (

    select * from {{ ref('int_accounts_enriched') }}

),

resolved as (

    select
        activities.*,
        coalesce(activities.account_id, contacts.account_id, opportunities.account_id)
            as resolved_account_id
    from activities
    left join contacts on activities.contact_id = contacts.contact_id
    left join opportunities on activities.opportunity_id = opportunities.opportunity_id

),

final as (

    select
        resolved.activity_id,
        resolved.activity_object,
        resolved.owner_user_id,
        resolved.crm_type,
        coalesce(activity_types.activity_category, 'unmapped') as activity_category,
        cast(coalesce(activity_types.points, 0) as {{ dbt.type_int() }}) as activity_points,
        coalesce(activity_types.time_category, 'unmapped') as time_category,
        coalesce(activity_types.is_visit, false) as is_visit,
        coalesce(activity_types.is_two_way_contact, false) as is_two_way_contact,
        resolved.lead_id,
        resolved.contact_id,
        resolved.opportunity_id,
        resolved.resolved_account_id as account_id,
        -- a customer is an account whose first won opportunity closed on or before the activity
        coalesce(accounts.first_won_date <= resolved.activity_date, false)
            as is_customer_at_activity,
        resolved.activity_date,
        cast({{ dbt.date_trunc('week', 'resolved.activity_date') }} as date)
            as activity_week_start_date,
        resolved.created_at,
        cast(resolved.duration_minutes as {{ dbt.type_numeric() }}) as duration_minutes
    from resolved
    left join activity_types
        on
            resolved.activity_object = activity_types.activity_object
            and resolved.crm_type = activity_types.crm_type
    left join accounts on resolved.resolved_account_id = accounts.account_id

)

select * from final
