-- A8 per hire cohort (fiscal quarter of hire): a roll-up of rpt_ramp_rep, the one per-rep
-- ramp mart. Counts, averages and medians over the reps of the cohort who have reached
-- each milestone; reps who have not yet are counted, never averaged in.
with

ramp as (

    select * from {{ ref('int_rep_ramp') }}

),

final as (

    select
        hire_fiscal_quarter_start_date,
        cast(count(*) as {{ dbt.type_int() }}) as hired_reps,
        cast(count(days_to_first_prospect_contact) as {{ dbt.type_int() }})
            as reps_with_first_prospect_contact,
        cast(avg(days_to_first_prospect_contact) as {{ dbt.type_numeric() }})
            as avg_days_to_first_prospect_contact,
        {{ median('days_to_first_prospect_contact') }} as median_days_to_first_prospect_contact,
        cast(count(days_to_first_win) as {{ dbt.type_int() }}) as reps_with_first_win,
        cast(avg(days_to_first_win) as {{ dbt.type_numeric() }}) as avg_days_to_first_win,
        {{ median('days_to_first_win') }} as median_days_to_first_win
    from ramp
    group by 1

)

select * from final
