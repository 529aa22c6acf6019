-- Personal data (names, e-mail, phone) stops here: only whether it exists travels on.
with

source as (

    select * from {{ crm_source('salesforce', 'contact', 'Contact') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as contact_id,
        {{ parse_text('AccountId') }} as account_id,
        {{ parse_text('OwnerId') }} as owner_user_id,

        -- strings
        {{ parse_text('LeadSource') }} as lead_source,
        {{ parse_text('Title') }} as job_title,

        -- booleans
        {{ parse_text('Email') }} is not null as has_email,
        {{ parse_text('Phone') }} is not null as has_phone,
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- timestamps
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
