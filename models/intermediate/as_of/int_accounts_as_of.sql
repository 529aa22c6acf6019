-- Accounts created on or before the as-of date. Their descriptive fields are
-- current values (the export keeps no history of them).
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

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
    where cast(accounts.created_at as date) <= as_of.as_of_date

)

select * from final
