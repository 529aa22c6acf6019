-- One row per completed visit (an activity of a visit type, A2 and A4),
-- classified at the visit date: a customer visit concerns an account that
-- had won before; a loyalty (service) visit is a customer visit while the
-- account has no open opportunity (no revenue in sight); a prospect visit
-- concerns a lead or a non-customer account. A visit resolved to no lead and
-- no account is neither customer nor prospect (counted in visits only).
with

visits as (

    select * from {{ ref('int_activities_enriched') }}
    where is_visit

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

-- an opportunity is open on a day from its creation up to its close date
-- (the close day included); one still open now is open on every later day
visits_with_open_opportunity as (

    select distinct visits.activity_id
    from visits
    inner join opportunities
        on
            visits.account_id = opportunities.account_id
            and visits.activity_date >= opportunities.created_date
            and (not opportunities.is_closed or visits.activity_date <= opportunities.close_date)

),

final as (

    select
        visits.activity_id,
        visits.owner_user_id,
        visits.activity_date,
        visits.lead_id,
        visits.contact_id,
        visits.account_id,
        visits.is_customer_at_activity as is_customer_visit,
        (
            not visits.is_customer_at_activity
            and (visits.lead_id is not null or visits.account_id is not null)
        ) as is_prospect_visit,
        (
            visits.is_customer_at_activity
            and with_open.activity_id is null
        ) as is_loyalty_visit
    from visits
    left join visits_with_open_opportunity as with_open
        on visits.activity_id = with_open.activity_id

)

select * from final
