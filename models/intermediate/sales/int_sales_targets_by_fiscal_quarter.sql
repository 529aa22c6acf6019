-- The targets of sales_targets.csv per fiscal quarter, one column per metric
-- (F2, F6, F10, A4): one row per rep and quarter, and one per team and
-- quarter. The file's periods need not be the fiscal quarters (calendar
-- quarters with var fiscal_year_start_month 2, months, a year): a target is
-- spread over the fiscal quarters its period overlaps, in proportion to its
-- days in each (a target that is exactly one fiscal quarter keeps its
-- value). visits_per_day is a rate, not spread: the quarter's value is the
-- average of the overlapping periods' values weighted by their days in it.
{%- set overlap_days = dbt.datediff(
    'greatest(targets.period_start, quarters.fiscal_quarter_start_date)',
    'least(targets.period_end, quarters.fiscal_quarter_end_date)',
    'day'
) ~ ' + 1' %}
{%- set period_days = dbt.datediff('targets.period_start', 'targets.period_end', 'day') ~ ' + 1' %}
{%- set additive_metrics = [
    'won_amount', 'new_leads', 'qualified_leads', 'new_opportunities', 'activity_points'
] %}
with

targets as (

    select * from {{ ref('stg_sales_ops__sales_targets') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

quarters as (

    -- a quarter ends on its last day in the calendar
    select
        fiscal_year,
        fiscal_quarter_start_date,
        max(date_day) as fiscal_quarter_end_date
    from dates
    group by 1, 2

),

spread as (

    -- one row per target row and fiscal quarter its period overlaps
    select
        targets.target_level,
        targets.user_id,
        -- a rep's team is in int_reps_enriched; a rep's targets count whatever team the row names
        case when targets.target_level = 'team' then targets.team end as team,
        targets.metric,
        quarters.fiscal_year,
        quarters.fiscal_quarter_start_date,
        targets.target_value,
        {{ overlap_days }} as overlap_days,
        targets.target_value * ({{ overlap_days }}) / ({{ period_days }}) as spread_value
    from targets
    inner join quarters
        on
            targets.period_start <= quarters.fiscal_quarter_end_date
            and targets.period_end >= quarters.fiscal_quarter_start_date

),

pivoted as (

    select
        target_level,
        user_id,
        team,
        fiscal_year,
        fiscal_quarter_start_date,
        {% for metric in additive_metrics -%}
            sum(case when metric = '{{ metric }}' then spread_value end) as {{ metric }}_target,
        {% endfor -%}
        sum(case when metric = 'visits_per_day' then target_value * overlap_days end)
        / sum(case when metric = 'visits_per_day' then overlap_days end) as visits_per_day_target
    from spread
    group by 1, 2, 3, 4, 5

),

final as (

    select
        {{ dbt.concat([
            "target_level", "'|'", "coalesce(user_id, team, '')", "'|'",
            "cast(fiscal_quarter_start_date as " ~ dbt.type_string() ~ ")"
        ]) }} as sales_target_quarter_id,
        target_level,
        user_id,
        team,
        cast(fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
        fiscal_quarter_start_date,
        {% for metric in additive_metrics -%}
            cast({{ metric }}_target as {{ dbt.type_numeric() }}) as {{ metric }}_target,
        {% endfor -%}
        cast(visits_per_day_target as {{ dbt.type_numeric() }}) as visits_per_day_target
    from pivoted

)

select * from final
