-- C1 per rep, segment and fiscal year of close: contracts won (a contract is
-- a won opportunity) and their annualised value. Add rows up for the year or
-- the rep; ACV = annualised value / contracts at any grain.
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

annualised as (

    select
        opportunities.owner_user_id,
        coalesce(accounts.industry, 'Unknown') as industry,
        coalesce(accounts.size_band, 'unknown') as size_band,
        dates.fiscal_year,
        -- a multi-year deal counts one year's worth; no term means 12 months. Cast per row so
        -- that the sums below add decimals (exact in any order), not doubles.
        cast(
            opportunities.amount * 12.0
            / coalesce(nullif(opportunities.contract_term_months, 0), 12)
            as {{ dbt.type_numeric() }}
        ) as annualised_value
    from opportunities
    inner join dates on opportunities.close_date = dates.date_day
    left join accounts on opportunities.account_id = accounts.account_id

),

final as (

    select
        owner_user_id,
        industry,
        size_band,
        fiscal_year,
        cast(count(*) as {{ dbt.type_int() }}) as contracts_won,
        cast(sum(annualised_value) as {{ dbt.type_numeric() }}) as annualised_contract_value,
        {{ safe_divide('sum(annualised_value)', 'count(*)') }} as acv
    from annualised
    group by 1, 2, 3, 4

)

select * from final
