-- The rep scorecard per team and fiscal quarter: counts and amounts of
-- rpt_scorecard_rep_quarterly added up, rates recomputed from the sums (F5's
-- from int_team_win_rates_quarterly),
-- medians and averages over the team's won opportunities, attainment against
-- the team targets of sales_targets.csv (rows without user_id) for won amount, new leads,
-- qualified leads and new opportunities (F10 per team).
with

rep_scorecards as (

    select * from {{ ref('int_rep_scorecard_quarterly') }}

),

team_win_rates as (

    select * from {{ ref('int_team_win_rates_quarterly') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

reps as (

    select * from {{ ref('dim_reps') }}

),

team_targets as (

    select
        team,
        fiscal_quarter_start_date,
        won_amount_target as target_value,
        new_leads_target,
        qualified_leads_target,
        new_opportunities_target
    from {{ ref('int_sales_targets_by_fiscal_quarter') }}
    where target_level = 'team'

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

rep_sums as (

    select
        team,
        fiscal_quarter_start_date,
        sum(new_leads) as new_leads,
        sum(qualified_leads) as qualified_leads,
        sum(new_opportunities) as new_opportunities,
        sum(converted_leads) as converted_leads,
        sum(converted_won_leads) as converted_won_leads,
        sum(forecast_amount) as forecast_amount,
        sum(open_opportunities_at_quarter_start) as open_opportunities_at_quarter_start
    from rep_scorecards
    where team is not null
    group by 1, 2

),

summed as (

    -- F5's closed, won and quote counts and rates are summed once, in int_team_win_rates_quarterly
    select
        rep_sums.*,
        team_win_rates.won_opportunities,
        team_win_rates.lost_opportunities,
        team_win_rates.won_amount,
        team_win_rates.win_rate_by_count,
        team_win_rates.win_rate_by_value,
        team_win_rates.closed_after_quote,
        team_win_rates.won_after_quote,
        team_win_rates.quote_to_close_ratio
    from rep_sums
    inner join team_win_rates
        on
            rep_sums.team = team_win_rates.team
            and rep_sums.fiscal_quarter_start_date = team_win_rates.fiscal_quarter_start_date

),

velocity as (

    select
        reps.team,
        opportunities.close_fiscal_quarter_start_date as fiscal_quarter_start_date,
        avg(opportunities.days_first_contact_to_won) as average_days_first_contact_to_won,
        {{ median('opportunities.days_first_contact_to_won') }} as median_days_first_contact_to_won,
        avg(opportunities.days_created_to_close) as average_days_created_to_won
    from opportunities
    inner join reps on opportunities.owner_user_id = reps.user_id
    group by 1, 2

),

final as (

    select
        summed.team,
        summed.fiscal_quarter_start_date,
        cast(summed.new_leads as {{ dbt.type_int() }}) as new_leads,
        cast(summed.qualified_leads as {{ dbt.type_int() }}) as qualified_leads,
        cast(summed.new_opportunities as {{ dbt.type_int() }}) as new_opportunities,
        {{ safe_divide('summed.converted_leads', 'summed.new_leads') }} as lead_to_opportunity_rate,
        {{ safe_divide('summed.converted_won_leads', 'summed.new_leads') }}
            as lead_to_customer_rate,
        cast(summed.won_opportunities as {{ dbt.type_int() }}) as won_opportunities,
        cast(summed.lost_opportunities as {{ dbt.type_int() }}) as lost_opportunities,
        cast(summed.won_amount as {{ dbt.type_numeric() }}) as won_amount,
        summed.win_rate_by_count,
        summed.win_rate_by_value,
        cast(velocity.average_days_first_contact_to_won as {{ dbt.type_numeric() }})
            as average_days_first_contact_to_won,
        cast(velocity.median_days_first_contact_to_won as {{ dbt.type_numeric() }})
            as median_days_first_contact_to_won,
        cast(summed.forecast_amount as {{ dbt.type_numeric() }}) as forecast_amount,
        cast(
            case
                when summed.fiscal_quarter_start_date <= (select as_of.as_of_date from as_of)
                    then {{ safe_divide('summed.won_amount', 'summed.forecast_amount') }}
            end as {{ dbt.type_numeric() }}
        ) as forecast_realisation,
        cast(team_targets.target_value as {{ dbt.type_numeric() }}) as won_amount_target,
        {{ safe_divide('summed.won_amount', 'team_targets.target_value') }}
            as won_amount_attainment,
        {{ sales_velocity(
            'summed.open_opportunities_at_quarter_start', 'summed.won_opportunities',
            'summed.lost_opportunities', 'summed.won_amount', 'velocity.average_days_created_to_won'
        ) }} as sales_velocity_per_day,
        cast(team_targets.new_leads_target as {{ dbt.type_numeric() }}) as new_leads_target,
        {{ safe_divide('summed.new_leads', 'team_targets.new_leads_target') }}
            as new_leads_attainment,
        cast(team_targets.qualified_leads_target as {{ dbt.type_numeric() }})
            as qualified_leads_target,
        {{ safe_divide('summed.qualified_leads', 'team_targets.qualified_leads_target') }}
            as qualified_leads_attainment,
        cast(team_targets.new_opportunities_target as {{ dbt.type_numeric() }})
            as new_opportunities_target,
        {{ safe_divide('summed.new_opportunities', 'team_targets.new_opportunities_target') }}
            as new_opportunities_attainment,
        cast(summed.closed_after_quote as {{ dbt.type_int() }}) as closed_after_quote,
        cast(summed.won_after_quote as {{ dbt.type_int() }}) as won_after_quote,
        summed.quote_to_close_ratio
    from summed
    left join velocity
        on summed.team = velocity.team
            and summed.fiscal_quarter_start_date = velocity.fiscal_quarter_start_date
    left join team_targets
        on summed.team = team_targets.team
            and summed.fiscal_quarter_start_date = team_targets.fiscal_quarter_start_date

)

select * from final
