-- Amounts stay in the record's own currency here; int_opportunities_converted
-- converts them to the reporting currency.
with

source as (

    select * from {{ crm_source('salesforce', 'opportunity', 'Opportunity') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('Id') }} as opportunity_id,
        {{ parse_text('AccountId') }} as account_id,
        {{ parse_text('OwnerId') }} as owner_user_id,
        {{ parse_text('CampaignId') }} as campaign_id,

        -- strings
        {{ parse_text('Name') }} as opportunity_name,
        {{ parse_text('StageName') }} as stage_name,
        {{ parse_text('Type') }} as opportunity_type,
        {{ parse_text('LeadSource') }} as lead_source,
        {{ parse_text('ForecastCategoryName') }} as forecast_category,
        upper({{ parse_text('CurrencyIsoCode') }}) as currency_code,

        -- numerics
        {{ parse_number('Amount') }} as amount,
        {{ parse_number('Probability') }} as probability_pct,
        {{ parse_integer('ContractTermMonths__c') }} as contract_term_months,

        -- booleans
        {{ parse_boolean('IsClosed') }} as is_closed,
        {{ parse_boolean('IsWon') }} as is_won,
        {{ parse_boolean('IsDeleted') }} as is_deleted,

        -- dates
        {{ parse_date('CloseDate') }} as close_date,
        {{ parse_date('LastActivityDate') }} as last_activity_date,

        -- timestamps
        {{ parse_timestamp('CreatedDate') }} as created_at

    from source

)

select * from renamed
