-- One row per complete fiscal year or quarter and customer active on its
-- first day, with whether the same spell still covers the last day (retained)
-- or the customer lapsed during the period (churned; a later return is a new
-- spell and does not undo the churn). Periods that end after the as-of date
-- are left out.
with

dates as (

    select * from {{ ref('dim_dates') }}

),

spells as (

    select * from {{ ref('int_customer_active_spells') }}

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

periods as (

    select
        'quarter' as period_type,
        fiscal_quarter_start_date as period_start,
        max(date_day) as period_end
    from dates
    group by fiscal_quarter_start_date

    union all

    select
        'year' as period_type,
        min(date_day) as period_start,
        max(date_day) as period_end
    from dates
    group by fiscal_year

),

complete_periods as (

    select periods.*
    from periods
    where
        periods.period_end <= (select as_of.as_of_date from as_of)
        and periods.period_end >= (select min(spells.active_from) from spells)

),

final as (

    select
        {{ dbt.concat([
            'complete_periods.period_type', "'|'",
            dbt.cast('complete_periods.period_start', dbt.type_string()), "'|'",
            'spells.account_id'
        ]) }} as customer_period_id,
        complete_periods.period_type,
        complete_periods.period_start,
        complete_periods.period_end,
        spells.account_id,
        spells.active_until > complete_periods.period_end as is_retained
    from complete_periods
    inner join spells
        on
            complete_periods.period_start >= spells.active_from
            and complete_periods.period_start < spells.active_until

)

select * from final
