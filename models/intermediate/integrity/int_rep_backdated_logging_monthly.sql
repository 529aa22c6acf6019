-- I2 per rep and month (the catalogue's grain for back-dated logging): the
-- share of completed activities logged more than var backdate_days after
-- they happened (int_activities_backdated). The monthly counts are the one
-- count: rpt_backdated_logging_rep_monthly selects them, the quarterly
-- integrity model adds them up to the fiscal quarter.
with

activities as (

    select * from {{ ref('int_activities_backdated') }}

),

monthly as (

    select
        owner_user_id,
        month_start_date,
        fiscal_quarter_start_date,
        count(*) as completed_activities,
        sum(case when is_backdated then 1 else 0 end) as backdated_activities,
        max(logging_delay_days) as max_logging_delay_days
    from activities
    group by 1, 2, 3

),

final as (

    select
        owner_user_id,
        month_start_date,
        fiscal_quarter_start_date,
        cast(completed_activities as {{ dbt.type_int() }}) as completed_activities,
        cast(backdated_activities as {{ dbt.type_int() }}) as backdated_activities,
        {{ safe_divide('backdated_activities', 'completed_activities') }} as backdated_share,
        coalesce(
            {{ safe_divide('backdated_activities', 'completed_activities') }}
            >= {{ var('backdate_flag_share') }},
            false
        ) as is_backdating_flagged,
        cast(max_logging_delay_days as {{ dbt.type_int() }}) as max_logging_delay_days
    from monthly

)

select * from final
