-- Users are the reps and managers who own records; their names are kept
-- (a rep leaderboard needs them), their e-mail is not.
with

source as (

    select * from {{ crm_source('salesforce', 'user', 'User') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as user_id,
        {{ parse_text('UserRoleId') }} as user_role_id,
        {{ parse_text('ManagerId') }} as manager_user_id,

        -- strings
        {{ parse_text('Name') }} as user_name,
        {{ parse_text('Title') }} as job_title,
        {{ parse_text('Department') }} as department,

        -- booleans
        {{ parse_boolean('IsActive') }} as is_active,

        -- timestamps
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
