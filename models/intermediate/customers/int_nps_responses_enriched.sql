-- One row per NPS survey response, with its category and the account's
-- segment and owner (the rep NPS is attributed to). Responses of a soft-deleted
-- account are left out here, for every C7 figure (counted in
-- rpt_data_quality_exclusions_rule as nps_response_of_deleted_account).
with

responses as (

    select * from {{ ref('int_nps_responses_as_of') }}

),

accounts as (

    select * from {{ ref('int_accounts_enriched') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

final as (

    select
        responses.nps_response_id,
        responses.account_id,
        accounts.owner_user_id,
        coalesce(accounts.industry, 'Unknown') as industry,
        coalesce(accounts.size_band, 'unknown') as size_band,
        responses.score,
        case
            when responses.score >= 9 then 'promoter'
            when responses.score >= 7 then 'passive'
            when responses.score >= 0 then 'detractor'
            else 'no_score'
        end as nps_category,
        cast(responses.responded_at as date) as responded_date,
        dates.month_start_date,
        dates.fiscal_quarter_start_date
    from responses
    left join accounts on responses.account_id = accounts.account_id
    left join dates on cast(responses.responded_at as date) = dates.date_day
    where not coalesce(accounts.is_deleted, false)

)

select * from final
