-- I1-I8 per rep and fiscal quarter: the CRM-integrity KPIs, each with the
-- counts behind it and a flag (thresholds are vars), and the integrity score
-- that weighs the flags (integrity_score_weights seed). A KPI without data in
-- a quarter is not flagged.
with

late_registration as (

    select * from {{ ref('int_integrity_late_registration') }}

),

backdating as (

    -- the monthly I2 counts (the one count) added up to the fiscal quarter
    select
        owner_user_id,
        fiscal_quarter_start_date,
        sum(completed_activities) as completed_activities,
        sum(backdated_activities) as backdated_activities
    from {{ ref('int_rep_backdated_logging_monthly') }}
    group by 1, 2

),

pushes as (

    select * from {{ ref('int_integrity_close_date_pushes') }}

),

quarter_end_closing as (

    select * from {{ ref('int_integrity_quarter_end_closing') }}

),

probabilities as (

    select * from {{ ref('int_integrity_probability_massaging') }}

),

losses as (

    select * from {{ ref('int_integrity_missing_losses') }}

),

prospecting as (

    select * from {{ ref('int_integrity_selective_prospecting') }}

),

reps as (

    select * from {{ ref('int_reps_enriched') }}

),

-- wins, losses, won amount and win rates are counted once: per rep in the
-- scorecard, per team in int_team_win_rates_quarterly
rep_scorecards as (

    select * from {{ ref('int_rep_scorecard_quarterly') }}

),

team_win_rates as (

    select * from {{ ref('int_team_win_rates_quarterly') }}

),

weights as (

    select
        {% for kpi in ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7'] -%}
            coalesce(sum(case when kpi_id = '{{ kpi }}' then weight end), 0)
                as weight_{{ kpi | lower }},
        {% endfor -%}
        sum(weight) as total_weight
    from {{ ref('integrity_score_weights') }}

),

rep_quarters as (

    {% for component in [
        'late_registration', 'backdating', 'pushes', 'quarter_end_closing',
        'probabilities', 'losses', 'prospecting',
    ] -%}
        select
            owner_user_id,
            fiscal_quarter_start_date
        from {{ component }}
        {% if not loop.last %}union{% endif %}
    {% endfor %}

),

measures as (

    select
        rep_quarters.owner_user_id,
        reps.team,
        rep_quarters.fiscal_quarter_start_date,
        coalesce(late_registration.won_opportunities, 0) as registered_won_opportunities,
        coalesce(late_registration.late_registered_opportunities, 0)
            as late_registered_opportunities,
        {{ safe_divide(
            'late_registration.late_registered_opportunities', 'late_registration.won_opportunities'
        ) }} as late_registration_share,
        coalesce(backdating.completed_activities, 0) as completed_activities,
        coalesce(backdating.backdated_activities, 0) as backdated_activities,
        {{ safe_divide('backdating.backdated_activities', 'backdating.completed_activities') }}
            as backdated_share,
        coalesce(pushes.open_opportunities, 0) as open_opportunities_in_quarter,
        coalesce(pushes.pushed_opportunities, 0) as pushed_opportunities,
        coalesce(pushes.close_date_pushes, 0) as close_date_pushes,
        {{ safe_divide('pushes.close_date_pushes', 'pushes.open_opportunities') }}
            as pushes_per_open_opportunity,
        coalesce(pushes.slipped_amount, 0) as slipped_amount,
        coalesce(rep_scorecards.won_amount, 0) as won_amount,
        coalesce(quarter_end_closing.quarter_end_won_amount, 0) as quarter_end_won_amount,
        {{ safe_divide(
            'quarter_end_closing.quarter_end_won_amount', 'quarter_end_closing.won_amount'
        ) }}
            as quarter_end_won_share,
        quarter_end_closing.expected_quarter_end_share,
        {{ safe_divide(
            'quarter_end_closing.two_quarter_quarter_end_won_amount',
            'quarter_end_closing.two_quarter_won_amount'
        ) }} as two_quarter_quarter_end_won_share,
        coalesce(quarter_end_closing.two_quarter_quarter_end_won_opportunities, 0)
            as two_quarter_quarter_end_won_opportunities,
        coalesce(probabilities.open_opportunities, 0) as open_opportunities_at_quarter_end,
        coalesce(probabilities.off_default_opportunities, 0)
            as off_default_probability_opportunities,
        {{ safe_divide(
            'probabilities.off_default_opportunities', 'probabilities.open_opportunities'
        ) }}
            as off_default_probability_share,
        coalesce(rep_scorecards.won_opportunities, 0) as won_opportunities,
        coalesce(rep_scorecards.lost_opportunities, 0) as lost_opportunities,
        coalesce(losses.deleted_unwon_opportunities, 0) as deleted_unwon_opportunities,
        rep_scorecards.win_rate_by_count,
        team_win_rates.win_rate_by_count as team_win_rate_by_count,
        losses.lost_to_won_ratio,
        losses.team_median_lost_to_won_ratio,
        coalesce(prospecting.prospecting_activities, 0) as prospecting_activities,
        coalesce(prospecting.new_business_activities, 0) as new_business_activities,
        prospecting.new_business_activity_share,
        prospecting.team_median_new_business_activity_share,
        coalesce(prospecting.new_opportunities, 0) as new_opportunities,
        coalesce(prospecting.new_business_opportunities, 0) as new_business_opportunities,
        {{ safe_divide('prospecting.new_business_opportunities', 'prospecting.new_opportunities') }}
            as new_business_opportunity_share
    from rep_quarters
    left join reps on rep_quarters.owner_user_id = reps.user_id
    left join rep_scorecards
        on
            rep_quarters.owner_user_id = rep_scorecards.owner_user_id
            and rep_quarters.fiscal_quarter_start_date = rep_scorecards.fiscal_quarter_start_date
    left join team_win_rates
        on
            reps.team = team_win_rates.team
            and rep_quarters.fiscal_quarter_start_date = team_win_rates.fiscal_quarter_start_date
    {% for component in [
        'late_registration', 'backdating', 'pushes', 'quarter_end_closing',
        'probabilities', 'losses', 'prospecting',
    ] -%}
        left join {{ component }}
            on
                rep_quarters.owner_user_id = {{ component }}.owner_user_id
                and rep_quarters.fiscal_quarter_start_date
                = {{ component }}.fiscal_quarter_start_date
    {% endfor %}

),

flags as (

    select
        *,
        coalesce(late_registration_share >= {{ var('late_registration_flag_share') }}, false)
            as is_late_registration_flagged,
        coalesce(backdated_share >= {{ var('backdate_flag_share') }}, false)
            as is_backdating_flagged,
        coalesce(pushes_per_open_opportunity >= {{ var('close_date_push_flag_rate') }}, false)
            as is_close_date_pushing_flagged,
        coalesce(
            two_quarter_quarter_end_won_share >= {{ var('quarter_end_flag_share') }}
            and two_quarter_quarter_end_won_opportunities >= {{ var('quarter_end_min_deals') }}
            and won_opportunities > 0,
            false
        ) as is_quarter_end_closing_flagged,
        coalesce(
            off_default_probability_share >= {{ var('probability_massaging_flag_share') }}, false
        )
            as is_probability_massaging_flagged,
        coalesce(
            win_rate_by_count > team_win_rate_by_count
            and deleted_unwon_opportunities >= {{ var('min_deleted_losses') }},
            false
        ) as is_missing_losses_flagged,
        coalesce(
            new_business_activity_share
            < {{ var('selective_prospecting_ratio') }} * team_median_new_business_activity_share,
            false
        ) as is_selective_prospecting_flagged
    from measures

),

final as (

    select
        flags.owner_user_id,
        flags.team,
        flags.fiscal_quarter_start_date,
        cast(flags.registered_won_opportunities as {{ dbt.type_int() }})
            as registered_won_opportunities,
        cast(flags.late_registered_opportunities as {{ dbt.type_int() }})
            as late_registered_opportunities,
        cast(flags.late_registration_share as {{ dbt.type_numeric() }}) as late_registration_share,
        flags.is_late_registration_flagged,
        cast(flags.completed_activities as {{ dbt.type_int() }}) as completed_activities,
        cast(flags.backdated_activities as {{ dbt.type_int() }}) as backdated_activities,
        cast(flags.backdated_share as {{ dbt.type_numeric() }}) as backdated_share,
        flags.is_backdating_flagged,
        cast(flags.open_opportunities_in_quarter as {{ dbt.type_int() }})
            as open_opportunities_in_quarter,
        cast(flags.pushed_opportunities as {{ dbt.type_int() }}) as pushed_opportunities,
        cast(flags.close_date_pushes as {{ dbt.type_int() }}) as close_date_pushes,
        cast(flags.pushes_per_open_opportunity as {{ dbt.type_numeric() }})
            as pushes_per_open_opportunity,
        cast(flags.slipped_amount as {{ dbt.type_numeric() }}) as slipped_amount,
        flags.is_close_date_pushing_flagged,
        cast(flags.won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(flags.quarter_end_won_amount as {{ dbt.type_numeric() }}) as quarter_end_won_amount,
        cast(flags.quarter_end_won_share as {{ dbt.type_numeric() }}) as quarter_end_won_share,
        cast(flags.expected_quarter_end_share as {{ dbt.type_numeric() }})
            as expected_quarter_end_share,
        cast(flags.two_quarter_quarter_end_won_share as {{ dbt.type_numeric() }})
            as two_quarter_quarter_end_won_share,
        cast(flags.two_quarter_quarter_end_won_opportunities as {{ dbt.type_int() }})
            as two_quarter_quarter_end_won_opportunities,
        flags.is_quarter_end_closing_flagged,
        cast(flags.open_opportunities_at_quarter_end as {{ dbt.type_int() }})
            as open_opportunities_at_quarter_end,
        cast(flags.off_default_probability_opportunities as {{ dbt.type_int() }})
            as off_default_probability_opportunities,
        cast(flags.off_default_probability_share as {{ dbt.type_numeric() }})
            as off_default_probability_share,
        flags.is_probability_massaging_flagged,
        cast(flags.won_opportunities as {{ dbt.type_int() }}) as won_opportunities,
        cast(flags.lost_opportunities as {{ dbt.type_int() }}) as lost_opportunities,
        cast(flags.deleted_unwon_opportunities as {{ dbt.type_int() }})
            as deleted_unwon_opportunities,
        cast(flags.win_rate_by_count as {{ dbt.type_numeric() }}) as win_rate_by_count,
        cast(flags.team_win_rate_by_count as {{ dbt.type_numeric() }}) as team_win_rate_by_count,
        cast(flags.lost_to_won_ratio as {{ dbt.type_numeric() }}) as lost_to_won_ratio,
        cast(flags.team_median_lost_to_won_ratio as {{ dbt.type_numeric() }})
            as team_median_lost_to_won_ratio,
        flags.is_missing_losses_flagged,
        cast(flags.prospecting_activities as {{ dbt.type_int() }}) as prospecting_activities,
        cast(flags.new_business_activities as {{ dbt.type_int() }}) as new_business_activities,
        cast(flags.new_business_activity_share as {{ dbt.type_numeric() }})
            as new_business_activity_share,
        cast(flags.team_median_new_business_activity_share as {{ dbt.type_numeric() }})
            as team_median_new_business_activity_share,
        cast(flags.new_opportunities as {{ dbt.type_int() }}) as new_opportunities,
        cast(flags.new_business_opportunities as {{ dbt.type_int() }})
            as new_business_opportunities,
        cast(flags.new_business_opportunity_share as {{ dbt.type_numeric() }})
            as new_business_opportunity_share,
        flags.is_selective_prospecting_flagged,
        cast(
            {% for behaviour in [
                'late_registration', 'backdating', 'close_date_pushing', 'quarter_end_closing',
                'probability_massaging', 'missing_losses', 'selective_prospecting',
            ] -%}
                case when flags.is_{{ behaviour }}_flagged then 1 else 0 end
                {%- if not loop.last %} +{% endif %}
            {% endfor -%}
            as {{ dbt.type_int() }}
        ) as behaviours_flagged,
        cast(
            100 * (
                1 - (
                    {% for behaviour, kpi in [
                        ('late_registration', 'i1'), ('backdating', 'i2'),
                        ('close_date_pushing', 'i3'), ('quarter_end_closing', 'i4'),
                        ('probability_massaging', 'i5'), ('missing_losses', 'i6'),
                        ('selective_prospecting', 'i7'),
                    ] -%}
                        case
                            when flags.is_{{ behaviour }}_flagged then weights.weight_{{ kpi }}
                            else 0
                        end
                        {%- if not loop.last %} +{% endif %}
                    {% endfor -%}
                ) * 1.0 / nullif(weights.total_weight, 0)
            )
            as {{ dbt.type_numeric() }}
        ) as integrity_score
    from flags
    cross join weights

)

select * from final
