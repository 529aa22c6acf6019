-- A6: one row per member of an ACCH population and fiscal quarter
-- (int_acch_population_quarterly), with the four ACCH flags measured at the
-- evaluation date (int_acch_quarter_windows: the quarter end, or the as-of
-- date for the quarter still running):
--   aware:       any two-way contact logged up to the evaluation date
--   covered:     at least var coverage_min_visits visits in the 90 days up to it
--   considering: an opportunity open on it, or won in the 12 months up to it
--   hit:         an opportunity won in the 12 months up to it
-- An account's flags come from its opportunities, a contact's from the
-- opportunities it takes part in: an activity with the contact was logged on
-- it. Key account (for both): the account won at least
-- var key_account_min_won_amount in those 12 months. Quarters are mapped to
-- each opportunity and visit through their validity window, so the cost grows
-- with the records, not with quarters x history.
with

population as (

    select * from {{ ref('int_acch_population_quarterly') }}

),

quarter_windows as (

    select * from {{ ref('int_acch_quarter_windows') }}

),

activities as (

    select * from {{ ref('int_activities_enriched') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

-- each opportunity on the quarters it counts for (windows are exclusive at
-- their start, inclusive at the evaluation date)
opportunity_quarters as (

    select
        opportunities.opportunity_id,
        opportunities.account_id,
        quarter_windows.fiscal_quarter_start_date,
        opportunities.is_counted_win
        and opportunities.close_date > quarter_windows.hit_window_start
        and opportunities.close_date <= quarter_windows.evaluation_date as is_hit,
        case
            when
                opportunities.is_counted_win
                and opportunities.close_date > quarter_windows.hit_window_start
                and opportunities.close_date <= quarter_windows.evaluation_date
                then opportunities.amount
        end as won_amount
    from opportunities
    inner join quarter_windows
        on
            opportunities.created_date <= quarter_windows.evaluation_date
            and (
                not opportunities.is_closed
                or opportunities.close_date > quarter_windows.evaluation_date
                or (
                    opportunities.is_counted_win
                    and opportunities.close_date > quarter_windows.hit_window_start
                )
            )

),

account_opportunity_flags as (

    select
        account_id,
        fiscal_quarter_start_date,
        max(case when is_hit then 1 else 0 end) as is_hit,
        coalesce(sum(won_amount), 0) as won_amount_last_12_months
    from opportunity_quarters
    group by 1, 2

),

contact_opportunities as (

    select distinct
        contact_id,
        opportunity_id
    from activities
    where contact_id is not null and opportunity_id is not null

),

contact_opportunity_flags as (

    select
        contact_opportunities.contact_id,
        opportunity_quarters.fiscal_quarter_start_date,
        max(case when opportunity_quarters.is_hit then 1 else 0 end) as is_hit
    from contact_opportunities
    inner join opportunity_quarters
        on contact_opportunities.opportunity_id = opportunity_quarters.opportunity_id
    group by 1, 2

),

first_two_way_contacts as (

    select
        'account' as member_type,
        account_id as member_id,
        min(activity_date) as first_two_way_contact_date
    from activities
    where is_two_way_contact and account_id is not null
    group by 1, 2

    union all

    select
        'contact' as member_type,
        contact_id as member_id,
        min(activity_date) as first_two_way_contact_date
    from activities
    where is_two_way_contact and contact_id is not null
    group by 1, 2

),

visit_quarters as (

    {% for member_type in ['account', 'contact'] -%}
        select
            '{{ member_type }}' as member_type,
            activities.{{ member_type }}_id as member_id,
            quarter_windows.fiscal_quarter_start_date,
            count(*) as visits_last_90_days
        from activities
        inner join quarter_windows
            on
                activities.activity_date > quarter_windows.coverage_window_start
                and activities.activity_date <= quarter_windows.evaluation_date
        where activities.is_visit and activities.{{ member_type }}_id is not null
        group by 1, 2, 3
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        population.member_type,
        population.member_id,
        population.account_id,
        population.territory,
        population.fiscal_quarter_start_date,
        population.evaluation_date,
        coalesce(account_flags.won_amount_last_12_months, 0)
        >= {{ var('key_account_min_won_amount') }} as is_key_account,
        coalesce(first_contacts.first_two_way_contact_date <= population.evaluation_date, false)
            as is_aware,
        coalesce(visit_quarters.visits_last_90_days, 0) >= {{ var('coverage_min_visits') }}
            as is_covered,
        case
            when population.member_type = 'account' then account_flags.account_id is not null
            else contact_flags.contact_id is not null
        end as is_considering,
        coalesce(
            case
                when population.member_type = 'account' then account_flags.is_hit
                else contact_flags.is_hit
            end = 1,
            false
        ) as is_hit
    from population
    left join account_opportunity_flags as account_flags
        on
            population.account_id = account_flags.account_id
            and population.fiscal_quarter_start_date = account_flags.fiscal_quarter_start_date
    left join contact_opportunity_flags as contact_flags
        on
            population.member_type = 'contact'
            and population.member_id = contact_flags.contact_id
            and population.fiscal_quarter_start_date = contact_flags.fiscal_quarter_start_date
    left join first_two_way_contacts as first_contacts
        on
            population.member_type = first_contacts.member_type
            and population.member_id = first_contacts.member_id
    left join visit_quarters
        on
            population.member_type = visit_quarters.member_type
            and population.member_id = visit_quarters.member_id
            and population.fiscal_quarter_start_date = visit_quarters.fiscal_quarter_start_date

)

select * from final
