-- I5 per rep and fiscal quarter: the opportunities open at the quarter end
-- (at the as-of date for the quarter still running), rebuilt from the stage
-- history (fct_opportunity_snapshots), and those whose probability differs
-- from the default probability of their stage (stage_mapping seed) by more
-- than var probability_tolerance points.
with

snapshots as (

    select * from {{ ref('int_opportunity_snapshots') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

stage_defaults as (

    select
        crm_value as stage_name,
        default_probability_pct
    from {{ ref('stage_mapping') }}
    where record_type = 'Opportunity'

),

quarter_end_snapshots as (

    select
        snapshots.owner_user_id,
        dates.fiscal_quarter_start_date,
        snapshots.opportunity_id,
        snapshots.probability_pct,
        stage_defaults.default_probability_pct
    from snapshots
    inner join dates on snapshots.snapshot_date = dates.date_day
    left join stage_defaults on snapshots.stage_name = stage_defaults.stage_name
    where snapshots.snapshot_date = dates.fiscal_quarter_end_date or snapshots.is_as_of_snapshot

),

-- the as-of snapshot can fall on a quarter end: keep one row per opportunity
deduplicated as (

    select distinct
        owner_user_id,
        fiscal_quarter_start_date,
        opportunity_id,
        probability_pct,
        default_probability_pct
    from quarter_end_snapshots

),

final as (

    select
        owner_user_id,
        fiscal_quarter_start_date,
        count(*) as open_opportunities,
        sum(
            case
                when
                    abs(probability_pct - default_probability_pct)
                    > {{ var('probability_tolerance') }}
                    then 1
                else 0
            end
        ) as off_default_opportunities
    from deduplicated
    group by 1, 2

)

select * from final
