-- One row per opportunity with its amount in the reporting currency, at the
-- Salesforce dated rate valid on the close date of a closed deal, on the
-- created date of an open one (kpis.md, Money).
with

opportunities as (

    select * from {{ ref('int_opportunities_as_of') }}

),

rates as (

    select * from {{ ref('stg_salesforce__dated_conversion_rates') }}

),

rates_available as (

    select count(*) > 0 as has_rates from rates

),

dated as (

    select
        opportunities.*,
        -- an open deal's CloseDate is only its expected close: open deals convert at created
        case
            when opportunities.is_closed then opportunities.close_date
            else cast(opportunities.created_at as date)
        end as conversion_date,
        coalesce(
            opportunities.currency_code, '{{ var("reporting_currency") }}'
        ) as record_currency_code
    from opportunities

),

converted as (

    select
        dated.*,
        record_rate.conversion_rate as record_currency_rate,
        reporting_rate.conversion_rate as reporting_currency_rate,
        case
            when
                dated.record_currency_code = '{{ var("reporting_currency") }}'
                then 'same_currency'
            when not rates_available.has_rates then 'no_rates_file'
            when
                record_rate.conversion_rate is null
                or reporting_rate.conversion_rate is null
                then 'missing_rate'
            else 'converted'
        end as conversion_status
    from dated
    cross join rates_available
    left join rates as record_rate
        on
            dated.record_currency_code = record_rate.currency_code
            and dated.conversion_date >= record_rate.valid_from
            and (
                record_rate.valid_to is null
                or dated.conversion_date < record_rate.valid_to
            )
    left join rates as reporting_rate
        on
            reporting_rate.currency_code = '{{ var("reporting_currency") }}'
            and dated.conversion_date >= reporting_rate.valid_from
            and (
                reporting_rate.valid_to is null
                or dated.conversion_date < reporting_rate.valid_to
            )

),

factors as (

    select
        *,
        case
            when conversion_status in ('same_currency', 'no_rates_file') then 1
            -- in double on every engine (macros/type_double.sql): Spark rounded the quotient
            when conversion_status = 'converted'
                then
                    cast(reporting_currency_rate as {{ type_double() }})
                    / cast(record_currency_rate as {{ type_double() }})
        end as conversion_factor
    from converted

),

final as (

    select
        opportunity_id,
        record_currency_code,
        conversion_date,
        conversion_status,
        -- not rounded: only the amounts it produces are cast
        conversion_factor,
        amount as amount_record_currency,
        -- a double: one rounding rule on every engine (macros/type_double.sql)
        {{ numeric_from_double('amount * conversion_factor') }} as amount_reporting_currency
    from factors

)

select * from final
