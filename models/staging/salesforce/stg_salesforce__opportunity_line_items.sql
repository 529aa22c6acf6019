with

source as (

    select * from {{ crm_source('salesforce', 'opportunity_line_item', 'OpportunityLineItem') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as opportunity_line_item_id,
        {{ parse_text('OpportunityId') }} as opportunity_id,
        {{ parse_text('Product2Id') }} as product_id,

        -- numerics (in the opportunity's currency)
        {{ parse_number('Quantity') }} as quantity,
        {{ parse_number('UnitPrice') }} as unit_price,
        {{ parse_number('TotalPrice') }} as total_price,
        {{ parse_number('ListPrice') }} as list_price,
        {{ parse_number('Discount') }} as discount_pct,

        -- booleans
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- dates
        {{ parse_date('ServiceDate') }} as service_date

    from source

)

select * from renamed
