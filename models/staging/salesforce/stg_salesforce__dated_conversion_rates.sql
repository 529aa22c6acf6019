-- Salesforce stores how many units of iso_code buy one unit of the corporate
-- currency. An open-ended last rate gets no end date.
with

source as (

    select * from {{ crm_source('salesforce', 'dated_conversion_rate', 'DatedConversionRate') }}

),

renamed as (

    select
        -- strings
        upper({{ parse_text('IsoCode') }}) as currency_code,

        -- numerics
        {{ parse_number('ConversionRate') }} as conversion_rate,

        -- dates
        {{ parse_date('StartDate') }} as valid_from,
        {{ parse_date('NextStartDate') }} as valid_to

    from source

)

select * from renamed
