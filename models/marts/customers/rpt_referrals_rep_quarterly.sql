-- C8 per rep and fiscal quarter: leads and opportunities whose lead source is
-- a referral (var referral_lead_sources), attributed to the record owner (the
-- export carries no referring-account field to attribute them to).
{%- set sources = var('referral_lead_sources') or [] %}
with

leads as (

    select * from {{ ref('int_leads_qualified') }}
    where lead_source in ('{{ sources | join("', '") }}')

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted and lead_source in ('{{ sources | join("', '") }}')

),

dates as (

    select * from {{ ref('dim_dates') }}

),

lead_counts as (

    select
        leads.owner_user_id,
        dates.fiscal_quarter_start_date,
        count(*) as referral_leads
    from leads
    inner join dates on leads.created_date = dates.date_day
    group by 1, 2

),

opportunity_counts as (

    select
        owner_user_id,
        created_fiscal_quarter_start_date as fiscal_quarter_start_date,
        count(*) as referral_opportunities,
        sum(case when is_counted_win then 1 else 0 end) as referral_opportunities_won,
        sum(case when is_counted_win then amount else 0 end) as referral_won_amount
    from opportunities
    group by 1, 2

),

spine as (

    select
        owner_user_id,
        fiscal_quarter_start_date
    from lead_counts
    union
    select
        owner_user_id,
        fiscal_quarter_start_date
    from opportunity_counts

),

final as (

    select
        spine.owner_user_id,
        spine.fiscal_quarter_start_date,
        cast(coalesce(lead_counts.referral_leads, 0) as {{ dbt.type_int() }}) as referral_leads,
        cast(coalesce(opportunity_counts.referral_opportunities, 0) as {{ dbt.type_int() }})
            as referral_opportunities,
        cast(coalesce(opportunity_counts.referral_opportunities_won, 0) as {{ dbt.type_int() }})
            as referral_opportunities_won,
        cast(coalesce(opportunity_counts.referral_won_amount, 0) as {{ dbt.type_numeric() }})
            as referral_won_amount
    from spine
    left join lead_counts
        on
            spine.owner_user_id = lead_counts.owner_user_id
            and spine.fiscal_quarter_start_date = lead_counts.fiscal_quarter_start_date
    left join opportunity_counts
        on
            spine.owner_user_id = opportunity_counts.owner_user_id
            and spine.fiscal_quarter_start_date = opportunity_counts.fiscal_quarter_start_date

)

select * from final
