-- One row per account with its segment (industry, size band) and when it
-- first and last bought (a won opportunity, soft deletes excluded).
with

accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

purchases as (

    select
        account_id,
        min(close_date) as first_won_date,
        max(close_date) as last_won_date,
        count(*) as won_opportunities
    from opportunities
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.owner_user_id,
        accounts.territory,
        accounts.billing_country,
        coalesce(accounts.industry, 'Unknown') as industry,
        accounts.number_of_employees,
        case
            when accounts.number_of_employees is null then 'unknown'
            when
                accounts.number_of_employees <= {{ var('size_band_small_max_employees') }}
                then 'small'
            when accounts.number_of_employees <= {{ var('size_band_mid_max_employees') }} then 'mid'
            else 'large'
        end as size_band,
        purchases.first_won_date,
        purchases.last_won_date,
        coalesce(purchases.won_opportunities, 0) as won_opportunities,
        purchases.first_won_date is not null as is_customer,
        accounts.is_deleted,
        accounts.created_at
    from accounts
    left join purchases on accounts.account_id = purchases.account_id

)

select * from final
