with

source as (

    select * from {{
        crm_source('salesforce', 'opportunity_field_history', 'OpportunityFieldHistory')
    }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as opportunity_field_history_id,
        {{ parse_text('OpportunityId') }} as opportunity_id,
        {{ parse_text('CreatedById') }} as created_by_user_id,

        -- strings
        {{ parse_text('Field') }} as field_name,
        {{ parse_text('OldValue') }} as old_value,
        {{ parse_text('NewValue') }} as new_value,

        -- booleans
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- timestamps
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
