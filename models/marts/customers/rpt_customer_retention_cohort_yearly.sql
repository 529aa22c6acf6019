-- C3 cohort retention: customers grouped by the fiscal year of their first
-- purchase, and for each complete fiscal year from then on, the share of the
-- cohort active on its last day. A triangle a BI tool pivots.
with

spells as (

    select * from {{ ref('int_customer_active_spells') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

first_purchases as (

    select
        spells.account_id,
        min(dates.fiscal_year) as cohort_fiscal_year
    from spells
    inner join dates on spells.active_from = dates.date_day
    where spells.spell_number = 1
    group by 1

),

year_ends as (

    select
        fiscal_year,
        max(date_day) as fiscal_year_end_date
    from dates
    group by 1
    having max(date_day) <= (select as_of.as_of_date from as_of)

),

cohort_years as (

    select
        first_purchases.account_id,
        first_purchases.cohort_fiscal_year,
        year_ends.fiscal_year,
        year_ends.fiscal_year_end_date
    from first_purchases
    inner join year_ends on first_purchases.cohort_fiscal_year <= year_ends.fiscal_year

),

active_at_year_end as (

    select distinct
        cohort_years.account_id,
        cohort_years.fiscal_year
    from cohort_years
    inner join spells
        on
            cohort_years.account_id = spells.account_id
            and cohort_years.fiscal_year_end_date >= spells.active_from
            and cohort_years.fiscal_year_end_date < spells.active_until

),

final as (

    select
        cohort_years.cohort_fiscal_year,
        cohort_years.fiscal_year,
        cast(cohort_years.fiscal_year - cohort_years.cohort_fiscal_year as {{ dbt.type_int() }})
            as years_since_first_purchase,
        cast(count(*) as {{ dbt.type_int() }}) as cohort_customers,
        cast(count(active_at_year_end.account_id) as {{ dbt.type_int() }}) as active_customers,
        {{ safe_divide('count(active_at_year_end.account_id)', 'count(*)') }}
            as cohort_retention_rate
    from cohort_years
    left join active_at_year_end
        on
            cohort_years.account_id = active_at_year_end.account_id
            and cohort_years.fiscal_year = active_at_year_end.fiscal_year
    group by 1, 2, 3

)

select * from final
