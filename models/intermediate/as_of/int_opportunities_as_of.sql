{{ config(materialized='table') }}
-- Opportunities created on or before the as-of date, in the state they were in
-- at the end of that day. When OpportunityHistory changed the opportunity after
-- the as-of date, its stage, amount, probability, close date and forecast
-- category come from the last history row on or before it, and IsClosed/IsWon
-- from that stage (stage_mapping): a deal won later is open at the as-of date.
-- LastActivityDate after the as-of date is recomputed from the activities up to it.
-- is_deleted: the opportunity is soft-deleted or its account is (Salesforce deletes
-- an account's opportunities with it), so every KPI that leaves soft deletes out
-- leaves out the opportunities of deleted accounts too; is_account_deleted tells them apart.
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

opportunities as (

    select opportunities.*
    from {{ ref('stg_salesforce__opportunities') }} as opportunities
    cross join as_of
    where cast(opportunities.created_at as date) <= as_of.as_of_date

),

changed_later as (

    select distinct history.opportunity_id
    from {{ ref('stg_salesforce__opportunity_history') }} as history
    cross join as_of
    where not history.is_deleted and cast(history.created_at as date) > as_of.as_of_date

),

history_ranked as (

    select
        opportunity_id,
        stage_name,
        forecast_category,
        amount,
        probability_pct,
        close_date,
        row_number() over (
            partition by opportunity_id
            order by created_at desc, opportunity_history_id desc
        ) as recency_rank
    from {{ ref('int_opportunity_history_as_of') }}
    where not is_deleted

),

state_at_as_of as (

    select * from history_ranked
    where recency_rank = 1

),

deleted_accounts as (

    select account_id from {{ ref('int_accounts_as_of') }}
    where is_deleted

),

stage_mapping as (

    select * from {{ ref('stage_mapping') }}
    where record_type = 'Opportunity'

),

activities_up_to_as_of as (

    select
        what_id as opportunity_id,
        activity_date
    from {{ ref('int_tasks_as_of') }}
    where is_closed and not is_deleted
    union all
    select
        what_id as opportunity_id,
        activity_date
    from {{ ref('int_events_as_of') }}
    where is_completed and not is_deleted

),

last_activity as (

    select
        opportunity_id,
        max(activity_date) as last_activity_date
    from activities_up_to_as_of
    where opportunity_id like '006%'
    group by opportunity_id

),

rewound as (

    select
        opportunities.*,
        state_at_as_of.opportunity_id is not null
        and changed_later.opportunity_id is not null as is_rewound,
        state_at_as_of.stage_name as stage_name_at_as_of,
        state_at_as_of.forecast_category as forecast_category_at_as_of,
        state_at_as_of.amount as amount_at_as_of,
        state_at_as_of.probability_pct as probability_pct_at_as_of,
        state_at_as_of.close_date as close_date_at_as_of,
        coalesce(stage_mapping.is_closed, false) as is_closed_at_as_of,
        coalesce(stage_mapping.is_won, false) as is_won_at_as_of,
        last_activity.last_activity_date as last_activity_date_at_as_of,
        deleted_accounts.account_id is not null as is_account_deleted
    from opportunities
    cross join as_of
    left join changed_later on opportunities.opportunity_id = changed_later.opportunity_id
    left join state_at_as_of on opportunities.opportunity_id = state_at_as_of.opportunity_id
    left join stage_mapping on state_at_as_of.stage_name = stage_mapping.crm_value
    left join last_activity on opportunities.opportunity_id = last_activity.opportunity_id
    left join deleted_accounts on opportunities.account_id = deleted_accounts.account_id

),

final as (

    select
        rewound.opportunity_id,
        rewound.account_id,
        rewound.owner_user_id,
        rewound.campaign_id,
        rewound.opportunity_name,
        case when rewound.is_rewound then rewound.stage_name_at_as_of else rewound.stage_name end
            as stage_name,
        rewound.opportunity_type,
        rewound.lead_source,
        case
            when rewound.is_rewound then rewound.forecast_category_at_as_of
            else rewound.forecast_category
        end as forecast_category,
        rewound.currency_code,
        case when rewound.is_rewound then rewound.amount_at_as_of else rewound.amount end as amount,
        case
            when rewound.is_rewound then rewound.probability_pct_at_as_of
            else rewound.probability_pct
        end as probability_pct,
        rewound.contract_term_months,
        case when rewound.is_rewound then rewound.is_closed_at_as_of else rewound.is_closed end
            as is_closed,
        case when rewound.is_rewound then rewound.is_won_at_as_of else rewound.is_won end as is_won,
        rewound.is_deleted or rewound.is_account_deleted as is_deleted,
        rewound.is_account_deleted,
        case when rewound.is_rewound then rewound.close_date_at_as_of else rewound.close_date end
            as close_date,
        case
            when rewound.last_activity_date > as_of.as_of_date
                then rewound.last_activity_date_at_as_of
            else rewound.last_activity_date
        end as last_activity_date,
        rewound.created_at,
        rewound.is_rewound
    from rewound
    cross join as_of

)

select * from final
