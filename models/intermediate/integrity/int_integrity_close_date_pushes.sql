-- I3 per rep (opportunity owner) and fiscal quarter of the push: close-date
-- changes (OpportunityFieldHistory, field CloseDate) that moved the expected
-- close into a later fiscal quarter, the opportunities pushed, the value
-- slipped (their current amount), and the opportunities the rep had open at
-- some point in the quarter (created by its end, not closed before its start).
with

field_history as (

    select * from {{ ref('int_opportunity_field_history_as_of') }}
    where field_name = 'CloseDate' and not is_deleted

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

dates as (

    select * from {{ ref('int_dates') }}

),

quarters as (

    select distinct
        fiscal_quarter_start_date,
        fiscal_quarter_end_date
    from dates
    where
        fiscal_quarter_start_date
        <= (select as_of.as_of_date from {{ ref('int_export_as_of_date') }} as as_of)

),

pushes as (

    select
        field_history.opportunity_id,
        opportunities.owner_user_id,
        opportunities.amount,
        pushed_on.fiscal_quarter_start_date
    from field_history
    inner join opportunities on field_history.opportunity_id = opportunities.opportunity_id
    inner join dates as pushed_on on cast(field_history.created_at as date) = pushed_on.date_day
    inner join dates as old_close on cast(field_history.old_value as date) = old_close.date_day
    inner join dates as new_close on cast(field_history.new_value as date) = new_close.date_day
    where new_close.fiscal_quarter_start_date > old_close.fiscal_quarter_start_date

),

pushed_opportunities as (

    select
        owner_user_id,
        fiscal_quarter_start_date,
        opportunity_id,
        max(amount) as amount,
        count(*) as pushes
    from pushes
    group by 1, 2, 3

),

push_counts as (

    select
        owner_user_id,
        fiscal_quarter_start_date,
        count(*) as pushed_opportunities,
        sum(pushes) as close_date_pushes,
        sum(amount) as slipped_amount
    from pushed_opportunities
    group by 1, 2

),

-- each opportunity on the quarters it was open in (validity window)
open_counts as (

    select
        opportunities.owner_user_id,
        quarters.fiscal_quarter_start_date,
        count(*) as open_opportunities
    from opportunities
    inner join quarters
        on
            opportunities.created_date <= quarters.fiscal_quarter_end_date
            and (
                not opportunities.is_closed
                or opportunities.close_date >= quarters.fiscal_quarter_start_date
            )
    group by 1, 2

),

final as (

    select
        open_counts.owner_user_id,
        open_counts.fiscal_quarter_start_date,
        open_counts.open_opportunities,
        coalesce(push_counts.pushed_opportunities, 0) as pushed_opportunities,
        coalesce(push_counts.close_date_pushes, 0) as close_date_pushes,
        cast(coalesce(push_counts.slipped_amount, 0) as {{ dbt.type_numeric() }}) as slipped_amount
    from open_counts
    left join push_counts
        on
            open_counts.owner_user_id = push_counts.owner_user_id
            and open_counts.fiscal_quarter_start_date = push_counts.fiscal_quarter_start_date

)

select * from final
