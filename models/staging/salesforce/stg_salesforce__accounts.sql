with

source as (

    select * from {{ crm_source('salesforce', 'account', 'Account') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as account_id,
        {{ parse_text('OwnerId') }} as owner_user_id,
        {{ parse_text('ParentId') }} as parent_account_id,

        -- strings
        {{ parse_text('Name') }} as account_name,
        {{ parse_text('Type') }} as account_type,
        {{ parse_text('Industry') }} as industry,
        {{ parse_text('AccountSource') }} as account_source,
        {{ parse_text('BillingCountry') }} as billing_country,
        {{ parse_text('BillingState') }} as billing_state,
        {{ parse_text('Territory__c') }} as territory,

        -- numerics
        {{ parse_number('AnnualRevenue') }} as annual_revenue,
        {{ parse_integer('NumberOfEmployees') }} as number_of_employees,

        -- booleans
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- timestamps
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
