-- F6 per rep, funnel stage and snapshot date (each month end, and the as-of
-- date): the open pipeline as it stood then.
with

snapshots as (

    select * from {{ ref('int_opportunity_snapshots') }}

),

final as (

    select
        owner_user_id,
        funnel_stage,
        snapshot_date,
        is_as_of_snapshot,
        cast(count(*) as {{ dbt.type_int() }}) as open_opportunities,
        cast(sum(amount) as {{ dbt.type_numeric() }}) as pipeline_amount,
        cast(sum(weighted_amount) as {{ dbt.type_numeric() }}) as weighted_pipeline_amount,
        cast(avg(age_days) as {{ dbt.type_numeric() }}) as average_age_days
    from snapshots
    group by 1, 2, 3, 4

)

select * from final
