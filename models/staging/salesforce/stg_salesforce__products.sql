with

source as (

    select * from {{ crm_source('salesforce', 'product', 'Product2') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as product_id,

        -- strings
        {{ parse_text('Name') }} as product_name,
        {{ parse_text('ProductCode') }} as product_code,
        {{ parse_text('Family') }} as product_family,

        -- numerics
        {{ parse_number('UnitCost__c') }} as unit_cost,

        -- booleans
        {{ parse_boolean('IsActive') }} as is_active,
        {{ parse_boolean('IsDeleted') }} as is_deleted

    from source

)

select * from renamed
