-- The rep roster as it stood at the as-of date: a hire after it is not yet a
-- rep (row dropped), a termination after it had not happened (blanked).
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

final as (

    select
        roster.user_id,
        roster.team,
        roster.region,
        roster.territory,
        roster.crm_role,
        roster.roster_role,
        roster.is_quota_carrying,
        roster.hire_date,
        case
            when roster.termination_date <= as_of.as_of_date then roster.termination_date
        end as termination_date
    from {{ ref('stg_sales_ops__rep_roster') }} as roster
    cross join as_of
    where roster.hire_date is null or roster.hire_date <= as_of.as_of_date

)

select * from final
