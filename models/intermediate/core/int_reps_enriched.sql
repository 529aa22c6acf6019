-- One row per Salesforce User (the people who own records), with the team,
-- region, territory and dates of rep_roster.csv and their manager.
with

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

roster as (

    select * from {{ ref('int_rep_roster_as_of') }}

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

final as (

    select
        users.user_id,
        users.user_name,
        users.job_title,
        users.manager_user_id,
        managers.user_name as manager_name,
        roster.team,
        roster.region,
        roster.territory,
        roster.crm_role,
        coalesce(roster.roster_role, 'not_in_roster') as roster_role,
        coalesce(roster.is_quota_carrying, false) as is_quota_carrying,
        roster.hire_date,
        roster.termination_date,
        coalesce(
            roster.hire_date <= as_of.as_of_date
            and (roster.termination_date is null or roster.termination_date >= as_of.as_of_date),
            false
        ) as is_employed_at_as_of
    from users
    cross join as_of
    left join roster on users.user_id = roster.user_id
    left join users as managers on users.manager_user_id = managers.user_id

)

select * from final
