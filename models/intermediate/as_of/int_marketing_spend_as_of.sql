-- Marketing spend of the months that started on or before the as-of date (the
-- file has one amount per month and channel; the as-of month counts whole).
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

spend as (

    select * from {{ ref('stg_sales_ops__marketing_spend') }}

),

final as (

    select
        spend.marketing_spend_id,
        spend.channel,
        spend.currency_code,
        spend.amount,
        spend.spend_month
    from spend
    cross join as_of
    where spend.spend_month <= as_of.as_of_date

)

select * from final
