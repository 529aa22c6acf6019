-- One row per complete fiscal year or quarter (and the trailing 12 months up
-- to the as-of date, which C2 reads) and customer active on its first day,
-- with whether the customer is still active on its last day (retained: any
-- spell covers it, so a customer who lapsed and bought again within the
-- period is retained) or not (churned). Periods that end after the as-of
-- date are left out. The one C3 retention rule: C2 and the C3 marts read it.
with

dates as (

    select * from {{ ref('int_dates') }}

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

    union all

    select
        'trailing_12_months' as period_type,
        cast({{ dbt.dateadd('month', -12, 'as_of.as_of_date') }} as date) as period_start,
        as_of.as_of_date as period_end
    from as_of

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
        end_spells.account_id is not null as is_retained
    from complete_periods
    inner join spells
        on
            complete_periods.period_start >= spells.active_from
            and complete_periods.period_start < spells.active_until
    -- spells of one account never overlap: at most one covers the last day
    left join spells as end_spells
        on
            spells.account_id = end_spells.account_id
            and complete_periods.period_end >= end_spells.active_from
            and complete_periods.period_end < end_spells.active_until

)

select * from final
