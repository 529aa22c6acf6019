{#
    F3 bottleneck, in one place for every grain. Given a relation with one row
    per rep x <period columns> x funnel stage and the columns team,
    owner_user_id, funnel_stage_order, journeys_reached and
    conversion_to_next_stage, adds:
      team_median_conversion   median of the team's reps' conversion from the stage
      gap_to_team_median       team median - the rep's conversion
      is_bottleneck            the rep's transition furthest below the team
                               median (gap > 0), among transitions the rep had
                               at least var bottleneck_min_journeys journeys in
#}
{% macro funnel_bottleneck_flags(relation, period_columns) %}
    {%- set periods = period_columns | join(', ') -%}
    with

    medians as (

        select
            team,
            {{ periods ~ ',' if periods }}
            funnel_stage_order,
            {{ median('conversion_to_next_stage') }} as team_median_conversion
        from {{ relation }}
        where
            conversion_to_next_stage is not null
            and journeys_reached >= {{ var('bottleneck_min_journeys') }}
        group by team, {{ periods ~ ',' if periods }} funnel_stage_order

    ),

    gaps as (

        select
            rep_stages.*,
            medians.team_median_conversion,
            -- cast outside the case: PostgreSQL drops a numeric's scale through case
            cast(
                case
                    when rep_stages.journeys_reached >= {{ var('bottleneck_min_journeys') }}
                        then medians.team_median_conversion - rep_stages.conversion_to_next_stage
                end as {{ dbt.type_numeric() }}
            ) as gap_to_team_median
        from {{ relation }} as rep_stages
        left join medians
            on
                rep_stages.team = medians.team
                {% for column in period_columns -%}
                    and rep_stages.{{ column }} = medians.{{ column }}
                {% endfor -%}
                and rep_stages.funnel_stage_order = medians.funnel_stage_order

    ),

    ranked as (

        select
            *,
            row_number() over (
                partition by owner_user_id {{ ', ' ~ periods if periods }}
                order by gap_to_team_median desc nulls last, funnel_stage_order
            ) as gap_rank
        from gaps

    )

    select
        *,
        coalesce(gap_rank = 1 and gap_to_team_median > 0, false) as is_bottleneck
    from ranked
{% endmacro %}
