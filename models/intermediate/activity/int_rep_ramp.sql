-- A8 per rep (quota-carrying reps: seeds/reference/rep_roles.csv): days from hire to the
-- first prospect contact (first completed activity with a lead or a
-- non-customer account) and to the first won opportunity.
with

reps as (

    select * from {{ ref('int_reps_enriched') }}
    where is_quota_carrying

),

activities as (

    select * from {{ ref('int_activities_enriched') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

dates as (

    select * from {{ ref('int_dates') }}

),

first_prospect_contacts as (

    select
        activities.owner_user_id,
        min(activities.activity_date) as first_prospect_contact_date
    from activities
    inner join reps on activities.owner_user_id = reps.user_id
    where
        activities.activity_date >= reps.hire_date
        and (activities.lead_id is not null or not activities.is_customer_at_activity)
    group by 1

),

first_wins as (

    select
        opportunities.owner_user_id,
        min(opportunities.close_date) as first_won_date
    from opportunities
    inner join reps on opportunities.owner_user_id = reps.user_id
    where opportunities.close_date >= reps.hire_date
    group by 1

),

final as (

    select
        reps.user_id,
        reps.team,
        reps.hire_date,
        hire_dates.fiscal_quarter_start_date as hire_fiscal_quarter_start_date,
        first_prospect_contacts.first_prospect_contact_date,
        cast(
            {{ dbt.datediff(
                'reps.hire_date', 'first_prospect_contacts.first_prospect_contact_date', 'day'
            ) }}
            as {{ dbt.type_int() }}
        ) as days_to_first_prospect_contact,
        first_wins.first_won_date,
        cast(
            {{ dbt.datediff('reps.hire_date', 'first_wins.first_won_date', 'day') }}
            as {{ dbt.type_int() }}
        ) as days_to_first_win
    from reps
    left join dates as hire_dates on reps.hire_date = hire_dates.date_day
    left join first_prospect_contacts on reps.user_id = first_prospect_contacts.owner_user_id
    left join first_wins on reps.user_id = first_wins.owner_user_id

)

select * from final
