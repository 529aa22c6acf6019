-- Accounts created on or before the as-of date, and accounts a task or event
-- logged by then is on (the activity shows the account existed, whatever its
-- CreatedDate says). Their descriptive fields are current values (the export
-- keeps no history of them).
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

touched as (

    select account_id from {{ ref('int_tasks_as_of') }}
    union
    select account_id from {{ ref('int_events_as_of') }}

),

final as (

    select
        accounts.account_id,
        accounts.owner_user_id,
        accounts.parent_account_id,
        accounts.account_name,
        accounts.account_type,
        accounts.industry,
        accounts.account_source,
        accounts.billing_country,
        accounts.billing_state,
        accounts.territory,
        accounts.annual_revenue,
        accounts.number_of_employees,
        accounts.is_deleted,
        accounts.created_at
    from accounts
    cross join as_of
    where
        cast(accounts.created_at as date) <= as_of.as_of_date
        or accounts.account_id in (select touched.account_id from touched)

)

select * from final
