-- I2: every completed activity with its logging delay; back-dated when it was
-- logged (CreatedDate) more than var backdate_days after the activity date.
with

activities as (

    select * from {{ ref('int_activities_enriched') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

logged as (

    select
        activity_id,
        owner_user_id,
        activity_date,
        {{ dbt.datediff('activity_date', 'cast(created_at as date)', 'day') }} as logging_delay_days  -- noqa: LT05
    from activities

),

final as (

    select
        activities.activity_id,
        activities.owner_user_id,
        activities.activity_date,
        dates.month_start_date,
        dates.fiscal_quarter_start_date,
        activities.logging_delay_days,
        coalesce(activities.logging_delay_days > {{ var('backdate_days') }}, false) as is_backdated
    from logged as activities
    inner join dates on activities.activity_date = dates.date_day

)

select * from final
