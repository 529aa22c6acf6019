-- A3 per rep and fiscal year, and per team and fiscal year: what it takes to
-- win an order ("procescapaciteit", sources/002). Team rows count distinct
-- prospects over the whole team (a prospect two reps worked counts once) and
-- place reps in their current team (rep_roster.csv).
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
        reps.team,
        dates.fiscal_year,
        activities.is_visit,
        -- a prospect is a lead or a non-customer account the rep contacted
        case
            when not activities.is_customer_at_activity
                then coalesce(activities.account_id, activities.lead_id)
        end as prospect_key
    from {{ ref('int_activities_enriched') }} as activities
    inner join dates on activities.activity_date = dates.date_day
    left join reps on activities.owner_user_id = reps.user_id

),

-- orders and quotes as the rep scorecard counts them per quarter (F5, F10),
-- added up to the fiscal year
scorecard_quarters as (

    select
        scorecard.owner_user_id,
        scorecard.team,
        dates.fiscal_year,
        scorecard.closed_after_quote,
        scorecard.won_after_quote,
        scorecard.won_opportunities,
        scorecard.won_amount
    from {{ ref('int_rep_scorecard_quarterly') }} as scorecard
    inner join dates on scorecard.fiscal_quarter_start_date = dates.date_day

),

-- each row once at rep level and once more at team level (owner left empty)
activity_rows as (

    select
        'rep' as aggregation_level,
        team,
        owner_user_id,
        fiscal_year,
        is_visit,
        prospect_key
    from activities
    union all
    select
        'team' as aggregation_level,
        team,
        null as owner_user_id,
        fiscal_year,
        is_visit,
        prospect_key
    from activities
    where team is not null

),

order_rows as (

    select
        'rep' as aggregation_level,
        team,
        owner_user_id,
        fiscal_year,
        closed_after_quote,
        won_after_quote,
        won_opportunities,
        won_amount
    from scorecard_quarters
    union all
    select
        'team' as aggregation_level,
        team,
        null as owner_user_id,
        fiscal_year,
        closed_after_quote,
        won_after_quote,
        won_opportunities,
        won_amount
    from scorecard_quarters
    where team is not null

),

activity_counts as (

    select
        aggregation_level,
        team,
        owner_user_id,
        fiscal_year,
        count(distinct prospect_key) as prospects,
        count(*) as activities,
        sum(case when is_visit then 1 else 0 end) as visits
    from activity_rows
    group by 1, 2, 3, 4

),

order_counts as (

    select
        aggregation_level,
        team,
        owner_user_id,
        fiscal_year,
        sum(closed_after_quote) as closed_after_quote,
        sum(won_after_quote) as won_after_quote,
        sum(won_opportunities) as orders,
        sum(won_amount) as won_amount
    from order_rows
    group by 1, 2, 3, 4

),

counts as (

    select
        coalesce(activity_counts.aggregation_level, order_counts.aggregation_level)
            as aggregation_level,
        coalesce(activity_counts.team, order_counts.team) as team,
        coalesce(activity_counts.owner_user_id, order_counts.owner_user_id) as owner_user_id,
        coalesce(activity_counts.fiscal_year, order_counts.fiscal_year) as fiscal_year,
        coalesce(activity_counts.prospects, 0) as prospects,
        coalesce(activity_counts.activities, 0) as activities,
        coalesce(activity_counts.visits, 0) as visits,
        coalesce(order_counts.closed_after_quote, 0) as closed_after_quote,
        coalesce(order_counts.won_after_quote, 0) as won_after_quote,
        coalesce(order_counts.orders, 0) as orders,
        coalesce(order_counts.won_amount, 0) as won_amount
    from activity_counts
    full outer join order_counts
        on
            activity_counts.aggregation_level = order_counts.aggregation_level
            and activity_counts.fiscal_year = order_counts.fiscal_year
            and coalesce(activity_counts.team, '') = coalesce(order_counts.team, '')
            and coalesce(activity_counts.owner_user_id, '')
            = coalesce(order_counts.owner_user_id, '')

),

final as (

    select
        aggregation_level,
        team,
        owner_user_id,
        cast(fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
        cast(prospects as {{ dbt.type_int() }}) as prospects,
        cast(activities as {{ dbt.type_int() }}) as activities,
        cast(visits as {{ dbt.type_int() }}) as visits,
        cast(closed_after_quote as {{ dbt.type_int() }}) as closed_after_quote,
        cast(won_after_quote as {{ dbt.type_int() }}) as won_after_quote,
        cast(orders as {{ dbt.type_int() }}) as orders,
        cast(won_amount as {{ dbt.type_numeric() }}) as won_amount,
        {{ safe_divide('prospects', 'orders') }} as prospects_per_order,
        {{ safe_divide('activities', 'orders') }} as activities_per_order,
        {{ safe_divide('visits', 'orders') }} as visits_per_order,
        -- F5's quote-to-close ratio (A3 calls it quote-to-order conversion), from the summed counts
        {{ safe_divide('won_after_quote', 'closed_after_quote') }} as quote_to_close_ratio,
        {{ safe_divide('won_amount', 'orders') }} as average_order_size
    from counts

)

select * from final
