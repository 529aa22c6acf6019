-- A9 per marketing channel and month: spend, the leads and new customers the
-- channel brought (through the lead-source-to-channel seed), and what each
-- cost. A channel with spend and no leads shows its spend and a null cost per
-- lead; leads from a source mapped to no channel show under 'Unmapped'.
with

spend as (

    select * from {{ ref('int_marketing_spend_as_of') }}

),

rates as (

    select * from {{ ref('stg_salesforce__dated_conversion_rates') }}

),

leads as (

    select * from {{ ref('int_leads_qualified') }}

),

channels as (

    select * from {{ ref('lead_source_channels') }}

),

acquisitions as (

    select * from {{ ref('int_account_acquisition_channels') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

spend_converted as (

    -- spend in another currency converts at the rate valid on the month's first day
    select
        spend.channel,
        spend.spend_month as month_start_date,
        sum(
            case
                when coalesce(spend.currency_code, '{{ var("reporting_currency") }}')
                    = '{{ var("reporting_currency") }}'
                    then spend.amount
                else spend.amount / spend_rate.conversion_rate * reporting_rate.conversion_rate
            end
        ) as spend_amount
    from spend
    left join rates as spend_rate
        on
            spend.currency_code = spend_rate.currency_code
            and spend.spend_month >= spend_rate.valid_from
            and (spend_rate.valid_to is null or spend.spend_month < spend_rate.valid_to)
    left join rates as reporting_rate
        on
            reporting_rate.currency_code = '{{ var("reporting_currency") }}'
            and spend.spend_month >= reporting_rate.valid_from
            and (reporting_rate.valid_to is null or spend.spend_month < reporting_rate.valid_to)
    group by 1, 2

),

lead_counts as (

    select
        coalesce(channels.channel, 'Unmapped') as channel,
        dates.month_start_date,
        count(*) as new_leads
    from leads
    inner join dates on leads.created_date = dates.date_day
    left join channels on leads.lead_source = channels.lead_source
    group by 1, 2

),

customer_counts as (

    select
        channel,
        first_won_month as month_start_date,
        count(*) as new_customers
    from acquisitions
    group by 1, 2

),

spine as (

    select
        channel,
        month_start_date
    from spend_converted
    union
    select
        channel,
        month_start_date
    from lead_counts
    union
    select
        channel,
        month_start_date
    from customer_counts

),

final as (

    select
        spine.channel,
        spine.month_start_date,
        cast(spend_converted.spend_amount as {{ dbt.type_numeric() }}) as spend_amount,
        cast(coalesce(lead_counts.new_leads, 0) as {{ dbt.type_int() }}) as new_leads,
        cast(coalesce(customer_counts.new_customers, 0) as {{ dbt.type_int() }}) as new_customers,
        {{ safe_divide('spend_converted.spend_amount', 'lead_counts.new_leads') }} as cost_per_lead,
        {{ safe_divide('spend_converted.spend_amount', 'customer_counts.new_customers') }}
            as cost_per_conversion
    from spine
    left join spend_converted
        on
            spine.channel = spend_converted.channel
            and spine.month_start_date = spend_converted.month_start_date
    left join lead_counts
        on
            spine.channel = lead_counts.channel
            and spine.month_start_date = lead_counts.month_start_date
    left join customer_counts
        on
            spine.channel = customer_counts.channel
            and spine.month_start_date = customer_counts.month_start_date

)

select * from final
