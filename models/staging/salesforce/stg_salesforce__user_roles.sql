with

source as (

    select * from {{ crm_source('salesforce', 'user_role', 'UserRole') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as user_role_id,
        {{ parse_text('ParentRoleId') }} as parent_user_role_id,

        -- strings
        {{ parse_text('Name') }} as user_role_name

    from source

)

select * from renamed
