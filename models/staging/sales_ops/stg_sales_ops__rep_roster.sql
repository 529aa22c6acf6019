-- The role is mapped through the editable seed rep_roles (matched in lower
-- case): scripts/vocabularies.py rejects an export with a role the seed does
-- not list, so every admitted row finds its mapping.
with

source as (

    select * from {{ crm_source('sales_ops', 'rep_roster', 'rep_roster') }}

),

rep_roles as (

    select * from {{ ref('rep_roles') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('user_id') }} as user_id,

        -- strings
        {{ parse_text('team') }} as team,
        {{ parse_text('region') }} as region,
        {{ parse_text('territory') }} as territory,
        {{ parse_text('role') }} as crm_role,

        -- dates
        {{ parse_date('hire_date') }} as hire_date,
        {{ parse_date('termination_date') }} as termination_date

    from source

),

final as (

    select
        renamed.user_id,
        renamed.team,
        renamed.region,
        renamed.territory,
        renamed.crm_role,
        rep_roles.role as roster_role,
        rep_roles.is_quota_carrying,
        renamed.hire_date,
        renamed.termination_date
    from renamed
    left join rep_roles on lower(renamed.crm_role) = lower(trim(rep_roles.crm_role))

)

select * from final
