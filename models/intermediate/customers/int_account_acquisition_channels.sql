-- How each customer was acquired: the lead source of the lead converted into
-- the account (else the account's own AccountSource), the marketing channel
-- it maps to (lead_source_channels seed; 'Unmapped' when none) and the month
-- of its first purchase.
with

accounts as (

    select * from {{ ref('int_accounts_enriched') }}
    where is_customer

),

staged_accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

leads as (

    select
        converted_account_id as account_id,
        min(lead_source) as lead_source
    from {{ ref('int_leads_as_of') }}
    where not is_deleted and converted_account_id is not null
    group by 1

),

channels as (

    select * from {{ ref('lead_source_channels') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

final as (

    select
        accounts.account_id,
        coalesce(leads.lead_source, staged_accounts.account_source, 'Unknown') as lead_source,
        coalesce(channels.channel, 'Unmapped') as channel,
        accounts.first_won_date,
        dates.month_start_date as first_won_month
    from accounts
    left join staged_accounts on accounts.account_id = staged_accounts.account_id
    left join leads on accounts.account_id = leads.account_id
    left join
        channels
        on coalesce(leads.lead_source, staged_accounts.account_source) = channels.lead_source
    left join dates on accounts.first_won_date = dates.date_day

)

select * from final
