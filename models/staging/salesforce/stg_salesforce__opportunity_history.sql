with

source as (

    select * from {{ crm_source('salesforce', 'opportunity_history', 'OpportunityHistory') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as opportunity_history_id,
        {{ parse_text('OpportunityId') }} as opportunity_id,
        {{ parse_text('CreatedById') }} as created_by_user_id,

        -- strings
        {{ parse_text('StageName') }} as stage_name,
        {{ parse_text('ForecastCategory') }} as forecast_category,

        -- numerics
        {{ parse_number('Amount') }} as amount,
        {{ parse_number('Probability') }} as probability_pct,

        -- booleans
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- dates
        {{ parse_date('CloseDate') }} as close_date,

        -- timestamps
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
