-- OpportunityHistory as it stood at the as-of date: rows logged after it are
-- dropped (they had not happened yet).
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

history as (

    select * from {{ ref('stg_salesforce__opportunity_history') }}

),

final as (

    select
        history.opportunity_history_id,
        history.opportunity_id,
        history.created_by_user_id,
        history.stage_name,
        history.forecast_category,
        history.amount,
        history.probability_pct,
        history.is_deleted,
        history.close_date,
        history.created_at
    from history
    cross join as_of
    where cast(history.created_at as date) <= as_of.as_of_date

)

select * from final
