-- One row per record that a data-quality rule of rpt_data_quality_exclusions_rule
-- finds: records real CRMs contain that are kept by a documented rule (or,
-- for soft deletes, excluded), so that none is dropped or bent silently.
-- Vocabulary rules count every row of the file, as the admission warning
-- does; the other rules count records that are not soft-deleted (a record of a
-- soft-deleted account counts as deleted: see deleted_account_rules).
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_as_of') }}

),

first_contact as (

    select * from {{ ref('int_opportunity_first_contact') }}

),

activities as (

    select * from {{ ref('int_activities_unioned') }}

),

activity_types as (

    select * from {{ ref('activity_types') }}

),

leads as (

    select * from {{ ref('int_leads_as_of') }}

),

accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

channels as (

    select * from {{ ref('lead_source_channels') }}

),

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

history as (

    select * from {{ ref('int_opportunity_history_as_of') }}

),

contacts as (

    select * from {{ ref('int_contacts_as_of') }}

),

nps_responses as (

    select * from {{ ref('int_nps_responses_as_of') }}

),

live_opportunities as (

    select
        opportunities.*,
        first_contact.first_contact_date
    from opportunities
    left join first_contact on opportunities.opportunity_id = first_contact.opportunity_id
    where not opportunities.is_deleted

),

opportunity_rules as (

    select
        'opportunity_closed_before_created' as rule_name,
        opportunity_id as record_id
    from live_opportunities
    where is_closed and close_date < cast(created_at as date)

    union all

    select
        'won_before_first_contact' as rule_name,
        opportunity_id as record_id
    from live_opportunities
    where is_won and close_date < first_contact_date

    union all

    select
        'open_opportunity_without_account' as rule_name,
        opportunity_id as record_id
    from live_opportunities
    where not is_closed and account_id is null

    union all

    select
        'opportunity_amount_zero' as rule_name,
        opportunity_id as record_id
    from live_opportunities
    where amount = 0

    union all

    select
        'won_opportunity_without_amount' as rule_name,
        opportunity_id as record_id
    from live_opportunities
    where is_won and amount is null

    union all

    select
        'opportunity_account_not_in_export' as rule_name,
        live_opportunities.opportunity_id as record_id
    from live_opportunities
    left join accounts on live_opportunities.account_id = accounts.account_id
    where live_opportunities.account_id is not null and accounts.account_id is null

    union all

    select
        'opportunity_owner_not_in_users' as rule_name,
        live_opportunities.opportunity_id as record_id
    from live_opportunities
    left join users on live_opportunities.owner_user_id = users.user_id
    where live_opportunities.owner_user_id is not null and users.user_id is null

    union all

    select
        'history_opportunity_not_in_export' as rule_name,
        history.opportunity_history_id as record_id
    from history
    left join opportunities on history.opportunity_id = opportunities.opportunity_id
    where not history.is_deleted and opportunities.opportunity_id is null

    union all

    select
        'soft_deleted_opportunity' as rule_name,
        opportunity_id as record_id
    from opportunities
    where is_deleted and not is_account_deleted

),

-- soft-deleted accounts and the records that go with them (Salesforce deletes an
-- account's opportunities and contacts with it): each record under one rule
deleted_account_rules as (

    select
        'soft_deleted_account' as rule_name,
        account_id as record_id
    from accounts
    where is_deleted

    union all

    select
        'opportunity_of_deleted_account' as rule_name,
        opportunity_id as record_id
    from opportunities
    where is_account_deleted

    union all

    select
        'contact_of_deleted_account' as rule_name,
        contact_id as record_id
    from contacts
    where is_account_deleted

    union all

    select
        'nps_response_of_deleted_account' as rule_name,
        nps_responses.nps_response_id as record_id
    from nps_responses
    inner join accounts on nps_responses.account_id = accounts.account_id
    where accounts.is_deleted

    union all

    -- closed in its state at the as-of date, with a close date after it
    select
        'opportunity_closed_after_as_of' as rule_name,
        live_opportunities.opportunity_id as record_id
    from live_opportunities
    cross join as_of
    where live_opportunities.is_closed and live_opportunities.close_date > as_of.as_of_date

),

activity_rules as (

    select
        'activity_logged_late_' || lower(activities.activity_object) as rule_name,
        activities.activity_id as record_id
    from activities
    where
        activities.is_completed
        and not activities.is_deleted
        and {{ dbt.datediff(
            'activities.activity_date', 'cast(activities.created_at as date)', 'day'
        ) }}
        > {{ var('backdate_days') }}

    union all

    -- tasks only: an event counts as done once its date has passed (int_events_as_of)
    select
        'task_completed_after_as_of' as rule_name,
        activities.activity_id as record_id
    from activities
    cross join as_of
    where
        activities.activity_object = 'Task'
        and activities.is_completed
        and not activities.is_deleted
        and activities.activity_date > as_of.as_of_date

    union all

    select
        'activity_owner_not_in_users_' || lower(activities.activity_object) as rule_name,
        activities.activity_id as record_id
    from activities
    left join users on activities.owner_user_id = users.user_id
    where
        not activities.is_deleted
        and activities.owner_user_id is not null
        and users.user_id is null

    union all

    select
        'activity_type_unmapped_' || lower(activities.activity_object) as rule_name,
        activities.activity_id as record_id
    from activities
    left join activity_types
        on
            activities.activity_object = activity_types.activity_object
            and activities.crm_type = activity_types.crm_type
    where activity_types.crm_type is null

),

source_rules as (

    select
        'lead_source_unmapped' as rule_name,
        leads.lead_id as record_id
    from leads
    left join channels on leads.lead_source = channels.lead_source
    where leads.lead_source is not null and channels.lead_source is null

    union all

    select
        'account_source_unmapped' as rule_name,
        accounts.account_id as record_id
    from accounts
    left join channels on accounts.account_source = channels.lead_source
    where accounts.account_source is not null and channels.lead_source is null

),

final as (

    select * from opportunity_rules
    union all
    select * from deleted_account_rules
    union all
    select * from activity_rules
    union all
    select * from source_rules

)

select * from final
