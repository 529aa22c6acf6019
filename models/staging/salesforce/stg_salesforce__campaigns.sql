with

source as (

    select * from {{ crm_source('salesforce', 'campaign', 'Campaign') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as campaign_id,

        -- strings
        {{ parse_text('Name') }} as campaign_name,
        {{ parse_text('Type') }} as campaign_type,

        -- numerics
        {{ parse_number('ActualCost') }} as actual_cost,
        {{ parse_number('BudgetedCost') }} as budgeted_cost,

        -- booleans
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- dates
        {{ parse_date('StartDate') }} as start_date,
        {{ parse_date('EndDate') }} as end_date

    from source

)

select * from renamed
