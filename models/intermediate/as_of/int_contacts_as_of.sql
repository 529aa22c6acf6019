-- Contacts created on or before the as-of date. Their descriptive fields are
-- current values (the export keeps no history of them). is_deleted: the contact
-- is soft-deleted or its account is (Salesforce deletes an account's contacts
-- with it); is_account_deleted tells them apart.
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}

),

deleted_accounts as (

    select account_id from {{ ref('int_accounts_as_of') }}
    where is_deleted

),

final as (

    select
        contacts.contact_id,
        contacts.account_id,
        contacts.owner_user_id,
        contacts.lead_source,
        contacts.job_title,
        contacts.has_email,
        contacts.has_phone,
        contacts.is_deleted or deleted_accounts.account_id is not null as is_deleted,
        deleted_accounts.account_id is not null as is_account_deleted,
        contacts.created_at
    from contacts
    cross join as_of
    left join deleted_accounts on contacts.account_id = deleted_accounts.account_id
    where cast(contacts.created_at as date) <= as_of.as_of_date

)

select * from final
