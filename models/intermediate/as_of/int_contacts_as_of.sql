-- Contacts created on or before the as-of date. Their descriptive fields are
-- current values (the export keeps no history of them).
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}

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
        contacts.is_deleted,
        contacts.created_at
    from contacts
    cross join as_of
    where cast(contacts.created_at as date) <= as_of.as_of_date

)

select * from final
