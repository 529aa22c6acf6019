with

source as (

    select * from {{ crm_source('salesforce', 'task', 'Task') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as task_id,
        {{ parse_text('OwnerId') }} as owner_user_id,
        {{ parse_text('WhoId') }} as who_id,
        {{ parse_text('WhatId') }} as what_id,
        {{ parse_text('AccountId') }} as account_id,

        -- strings
        {{ parse_text('Type') }} as task_type,
        {{ parse_text('TaskSubtype') }} as task_subtype,
        {{ parse_text('Status') }} as task_status,
        {{ parse_text('CallType') }} as call_type,
        {{ parse_text('Subject') }} as subject,

        -- numerics
        {{ parse_integer('CallDurationInSeconds') }} as call_duration_seconds,

        -- booleans
        {{ parse_boolean('IsClosed') }} as is_closed,
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- dates
        {{ parse_date('ActivityDate') }} as activity_date,

        -- timestamps
        {{ parse_timestamp('CompletedDateTime') }} as completed_at,
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
