with

source as (

    select * from {{ crm_source('sales_ops', 'rep_roster', 'rep_roster') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('user_id') }} as user_id,

        -- strings
        {{ parse_text('team') }} as team,
        {{ parse_text('region') }} as region,
        {{ parse_text('territory') }} as territory,
        lower({{ parse_text('role') }}) as roster_role,

        -- dates
        {{ parse_date('hire_date') }} as hire_date,
        {{ parse_date('termination_date') }} as termination_date

    from source

)

select * from renamed
