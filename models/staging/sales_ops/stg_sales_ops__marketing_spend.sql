with

source as (

    select * from {{ crm_source('sales_ops', 'marketing_spend', 'marketing_spend') }}

),

renamed as (

    select
        -- ids
        {{ dbt.concat(["trim(month)", "'|'", "trim(channel)"]) }} as marketing_spend_id,

        -- strings
        {{ parse_text('channel') }} as channel,
        upper({{ parse_text('currency') }}) as currency_code,

        -- numerics
        {{ parse_number('amount') }} as amount,

        -- dates
        {{ parse_date('month') }} as spend_month

    from source

)

select * from renamed
