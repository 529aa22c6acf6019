-- A3 per rep and fiscal year: what it takes to win an order
-- ("procescapaciteit", sources/002). The team table
-- (rpt_process_ratios_team_yearly) adds these counts up.
with

reps as (

    select * from {{ ref('int_reps_enriched') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

activities as (

    select
        activities.owner_user_id,
        dates.fiscal_year,
        activities.is_visit
    from {{ ref('int_activities_enriched') }} as activities
    inner join dates on activities.activity_date = dates.date_day

),

-- orders and quotes as the rep scorecard counts them per quarter (F5, F10),
-- added up to the fiscal year
scorecard_quarters as (

    select
        scorecard.owner_user_id,
        dates.fiscal_year,
        scorecard.closed_after_quote,
        scorecard.won_after_quote,
        scorecard.won_opportunities,
        scorecard.won_amount
    from {{ ref('int_rep_scorecard_quarterly') }} as scorecard
    inner join dates on scorecard.fiscal_quarter_start_date = dates.date_day

),

prospect_counts as (

    select
        owner_user_id,
        fiscal_year,
        count(*) as prospects
    from {{ ref('int_rep_prospects_yearly') }}
    group by 1, 2

),

activity_counts as (

    select
        owner_user_id,
        fiscal_year,
        count(*) as activities,
        sum(case when is_visit then 1 else 0 end) as visits
    from activities
    group by 1, 2

),

order_counts as (

    select
        owner_user_id,
        fiscal_year,
        sum(closed_after_quote) as closed_after_quote,
        sum(won_after_quote) as won_after_quote,
        sum(won_opportunities) as orders,
        sum(won_amount) as won_amount
    from scorecard_quarters
    group by 1, 2

),

counts as (

    select
        coalesce(activity_counts.owner_user_id, order_counts.owner_user_id) as owner_user_id,
        coalesce(activity_counts.fiscal_year, order_counts.fiscal_year) as fiscal_year,
        coalesce(prospect_counts.prospects, 0) as prospects,
        coalesce(activity_counts.activities, 0) as activities,
        coalesce(activity_counts.visits, 0) as visits,
        coalesce(order_counts.closed_after_quote, 0) as closed_after_quote,
        coalesce(order_counts.won_after_quote, 0) as won_after_quote,
        coalesce(order_counts.orders, 0) as orders,
        coalesce(order_counts.won_amount, 0) as won_amount
    from activity_counts
    full outer join order_counts
        on
            activity_counts.owner_user_id = order_counts.owner_user_id
            and activity_counts.fiscal_year = order_counts.fiscal_year
    -- prospects come from activities: a rep-year with prospects has activities
    left join prospect_counts
        on
            activity_counts.owner_user_id = prospect_counts.owner_user_id
            and activity_counts.fiscal_year = prospect_counts.fiscal_year

),

final as (

    select
        counts.owner_user_id,
        reps.team,
        cast(counts.fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
        cast(counts.prospects as {{ dbt.type_int() }}) as prospects,
        cast(counts.activities as {{ dbt.type_int() }}) as activities,
        cast(counts.visits as {{ dbt.type_int() }}) as visits,
        cast(counts.closed_after_quote as {{ dbt.type_int() }}) as closed_after_quote,
        cast(counts.won_after_quote as {{ dbt.type_int() }}) as won_after_quote,
        cast(counts.orders as {{ dbt.type_int() }}) as orders,
        cast(counts.won_amount as {{ dbt.type_numeric() }}) as won_amount,
        {{ process_ratios() }}
    from counts
    left join reps on counts.owner_user_id = reps.user_id

)

select * from final
