-- Personal data (names, e-mail, phone) stops here: only whether it exists travels on.
with

source as (

    select * from {{ crm_source('salesforce', 'lead', 'Lead') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as lead_id,
        {{ parse_text('OwnerId') }} as owner_user_id,
        {{ parse_text('ConvertedAccountId') }} as converted_account_id,
        {{ parse_text('ConvertedContactId') }} as converted_contact_id,
        {{ parse_text('ConvertedOpportunityId') }} as converted_opportunity_id,

        -- strings
        {{ parse_text('Status') }} as lead_status,
        {{ parse_text('LeadSource') }} as lead_source,
        {{ parse_text('Company') }} as company_name,
        {{ parse_text('Industry') }} as industry,
        {{ parse_text('Country') }} as country,
        {{ parse_text('Rating') }} as rating,

        -- numerics
        {{ parse_integer('NumberOfEmployees') }} as number_of_employees,
        {{ parse_number('AnnualRevenue') }} as annual_revenue,

        -- booleans
        {{ parse_boolean('IsConverted') }} as is_converted,
        {{ parse_text('Email') }} is not null as has_email,
        {{ parse_text('Phone') }} is not null as has_phone,
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- dates
        {{ parse_date('ConvertedDate') }} as converted_date,

        -- timestamps
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
