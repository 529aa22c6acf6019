with

source as (

    select * from {{ crm_source('salesforce', 'event', 'Event') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as event_id,
        {{ parse_text('OwnerId') }} as owner_user_id,
        {{ parse_text('WhoId') }} as who_id,
        {{ parse_text('WhatId') }} as what_id,
        {{ parse_text('AccountId') }} as account_id,

        -- strings
        {{ parse_text('Type') }} as event_type,
        {{ parse_text('EventSubtype') }} as event_subtype,
        {{ parse_text('Subject') }} as subject,

        -- numerics
        {{ parse_integer('DurationInMinutes') }} as duration_minutes,

        -- booleans
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- dates
        {{ parse_date('ActivityDate') }} as activity_date,

        -- timestamps
        {{ parse_timestamp('StartDateTime') }} as started_at,
        {{ parse_timestamp('EndDateTime') }} as ended_at,
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
