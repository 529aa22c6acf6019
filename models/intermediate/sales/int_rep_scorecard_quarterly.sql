-- The funnel KPIs of one rep in one fiscal quarter side by side: F2 new leads
-- and opportunities, F4 lead conversion, F5 win rates, F7 deal velocity,
-- F9 forecast realisation, F10 target realisation, F12 sales velocity.
-- Formulas in words: _sales__models.yml.
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

lead_cohorts as (

    select * from {{ ref('int_lead_conversion_quarterly') }}

),

snapshots as (

    select * from {{ ref('int_opportunity_snapshots') }}

),

quarter_targets as (

    select
        user_id as owner_user_id,
        fiscal_quarter_start_date,
        won_amount_target,
        new_leads_target,
        qualified_leads_target,
        new_opportunities_target
    from {{ ref('int_sales_targets_by_fiscal_quarter') }}
    where target_level = 'rep'

),

reps as (

    select * from {{ ref('int_reps_enriched') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

created as (

    select
        owner_user_id,
        created_fiscal_quarter_start_date as fiscal_quarter_start_date,
        count(*) as new_opportunities
    from opportunities
    group by 1, 2

),

closed as (

    select
        owner_user_id,
        close_fiscal_quarter_start_date as fiscal_quarter_start_date,
        sum(case when is_counted_win then 1 else 0 end) as won_opportunities,
        sum(case when is_lost then 1 else 0 end) as lost_opportunities,
        sum(case when is_counted_win then amount else 0 end) as won_amount,
        sum(amount) as closed_amount,
        sum(case when highest_funnel_stage_order >= 5 then 1 else 0 end) as closed_after_quote,
        sum(case when is_counted_win and highest_funnel_stage_order >= 5 then 1 else 0 end)
            as won_after_quote,
        avg(case when is_counted_win then days_first_contact_to_won end)
            as average_days_first_contact_to_won,
        {{ median('case when is_counted_win then days_first_contact_to_won end') }}
            as median_days_first_contact_to_won,
        avg(case when is_counted_win then days_created_to_close end)
            as average_days_created_to_won
    from opportunities
    where is_closed
    group by 1, 2

),

leads as (

    select
        owner_user_id,
        fiscal_quarter_start_date,
        sum(new_leads) as new_leads,
        sum(qualified_leads) as qualified_leads,
        sum(converted_leads) as converted_leads,
        sum(converted_won_leads) as converted_won_leads
    from lead_cohorts
    group by 1, 2

),

quarter_start_pipeline as (

    -- the pipeline as it stood on the first day of the quarter: the snapshot
    -- at the end of the day before
    select
        snapshots.owner_user_id,
        dates.fiscal_quarter_start_date,
        count(*) as open_opportunities_at_quarter_start,
        sum(
            case
                when snapshots.expected_close_fiscal_quarter_start_date
                    = dates.fiscal_quarter_start_date
                    then snapshots.weighted_amount
                else 0
            end
        ) as forecast_amount
    from snapshots
    inner join dates
        on snapshots.snapshot_date = {{ dbt.dateadd('day', -1, 'dates.fiscal_quarter_start_date') }}
    where dates.date_day = dates.fiscal_quarter_start_date
    group by 1, 2

),

spine as (

    select
        owner_user_id,
        fiscal_quarter_start_date
    from created
    union
    select
        owner_user_id,
        fiscal_quarter_start_date
    from closed
    union
    select
        owner_user_id,
        fiscal_quarter_start_date
    from leads
    union
    select
        owner_user_id,
        fiscal_quarter_start_date
    from quarter_targets
    union
    -- owning open deals at the quarter start means a forecast, even if nothing else happened
    select
        owner_user_id,
        fiscal_quarter_start_date
    from quarter_start_pipeline

),

joined as (

    select
        spine.owner_user_id,
        reps.team,
        spine.fiscal_quarter_start_date,
        coalesce(leads.new_leads, 0) as new_leads,
        coalesce(leads.qualified_leads, 0) as qualified_leads,
        coalesce(leads.converted_leads, 0) as converted_leads,
        coalesce(leads.converted_won_leads, 0) as converted_won_leads,
        coalesce(created.new_opportunities, 0) as new_opportunities,
        coalesce(closed.won_opportunities, 0) as won_opportunities,
        coalesce(closed.lost_opportunities, 0) as lost_opportunities,
        coalesce(closed.won_amount, 0) as won_amount,
        coalesce(closed.closed_amount, 0) as closed_amount,
        coalesce(closed.closed_after_quote, 0) as closed_after_quote,
        coalesce(closed.won_after_quote, 0) as won_after_quote,
        closed.average_days_first_contact_to_won,
        closed.median_days_first_contact_to_won,
        closed.average_days_created_to_won,
        -- no open deal at a quarter's start is 0 (not unknown) once the quarter has begun
        case
            when spine.fiscal_quarter_start_date <= (select as_of.as_of_date from as_of)
                then coalesce(quarter_start_pipeline.open_opportunities_at_quarter_start, 0)
        end as open_opportunities_at_quarter_start,
        quarter_start_pipeline.forecast_amount,
        quarter_targets.won_amount_target,
        quarter_targets.new_leads_target,
        quarter_targets.qualified_leads_target,
        quarter_targets.new_opportunities_target
    from spine
    left join reps on spine.owner_user_id = reps.user_id
    left join created
        on spine.owner_user_id = created.owner_user_id
            and spine.fiscal_quarter_start_date = created.fiscal_quarter_start_date
    left join closed
        on spine.owner_user_id = closed.owner_user_id
            and spine.fiscal_quarter_start_date = closed.fiscal_quarter_start_date
    left join leads
        on spine.owner_user_id = leads.owner_user_id
            and spine.fiscal_quarter_start_date = leads.fiscal_quarter_start_date
    left join quarter_start_pipeline
        on spine.owner_user_id = quarter_start_pipeline.owner_user_id
            and spine.fiscal_quarter_start_date = quarter_start_pipeline.fiscal_quarter_start_date
    left join quarter_targets
        on spine.owner_user_id = quarter_targets.owner_user_id
            and spine.fiscal_quarter_start_date = quarter_targets.fiscal_quarter_start_date

),

final as (

    select
        owner_user_id,
        team,
        fiscal_quarter_start_date,
        cast(new_leads as {{ dbt.type_int() }}) as new_leads,
        cast(qualified_leads as {{ dbt.type_int() }}) as qualified_leads,
        cast(new_opportunities as {{ dbt.type_int() }}) as new_opportunities,
        cast(converted_leads as {{ dbt.type_int() }}) as converted_leads,
        cast(converted_won_leads as {{ dbt.type_int() }}) as converted_won_leads,
        {{ safe_divide('converted_leads', 'new_leads') }} as lead_to_opportunity_rate,
        {{ safe_divide('converted_won_leads', 'new_leads') }} as lead_to_customer_rate,
        cast(won_opportunities as {{ dbt.type_int() }}) as won_opportunities,
        cast(lost_opportunities as {{ dbt.type_int() }}) as lost_opportunities,
        cast(won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(closed_amount as {{ dbt.type_numeric() }}) as closed_amount,
        {{ safe_divide('won_opportunities', 'won_opportunities + lost_opportunities') }}
            as win_rate_by_count,
        {{ safe_divide('won_amount', 'closed_amount') }} as win_rate_by_value,
        cast(closed_after_quote as {{ dbt.type_int() }}) as closed_after_quote,
        cast(won_after_quote as {{ dbt.type_int() }}) as won_after_quote,
        {{ safe_divide('won_after_quote', 'closed_after_quote') }} as quote_to_close_ratio,
        cast(average_days_first_contact_to_won as {{ dbt.type_numeric() }})
            as average_days_first_contact_to_won,
        cast(median_days_first_contact_to_won as {{ dbt.type_numeric() }})
            as median_days_first_contact_to_won,
        cast(forecast_amount as {{ dbt.type_numeric() }}) as forecast_amount,
        -- a quarter that has not begun has a forecast but nothing to realise yet
        cast(
            case
                when fiscal_quarter_start_date <= (select as_of.as_of_date from as_of)
                    then {{ safe_divide('won_amount', 'forecast_amount') }}
            end as {{ dbt.type_numeric() }}
        ) as forecast_realisation,
        cast(won_amount_target as {{ dbt.type_numeric() }}) as won_amount_target,
        {{ safe_divide('won_amount', 'won_amount_target') }} as won_amount_attainment,
        {{ safe_divide('new_leads', 'new_leads_target') }} as new_leads_attainment,
        {{ safe_divide('qualified_leads', 'qualified_leads_target') }}
            as qualified_leads_attainment,
        {{ safe_divide('new_opportunities', 'new_opportunities_target') }}
            as new_opportunities_attainment,
        cast(open_opportunities_at_quarter_start as {{ dbt.type_int() }})
            as open_opportunities_at_quarter_start,
        {{ sales_velocity(
            'open_opportunities_at_quarter_start', 'won_opportunities', 'lost_opportunities',
            'won_amount', 'average_days_created_to_won'
        ) }} as sales_velocity_per_day
    from joined

)

select * from final
