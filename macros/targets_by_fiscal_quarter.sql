{#
    Targets of sales_targets.csv per fiscal quarter (F2, F6, F10): a select
    of user_id, team, metric, fiscal_quarter_start_date and target_value. The
    file's periods need not be the fiscal quarters (calendar quarters with
    var fiscal_year_start_month 2, months, a year): a target is spread over
    the fiscal quarters its period overlaps, in proportion to its days in
    each (a target that is exactly one fiscal quarter keeps its value). For
    the additive metrics (amounts and counts), not for visits_per_day.
    targets: the staging rows (a CTE), filtered as the caller needs;
    dates: dim_dates (a CTE; a quarter ends on its last day in the calendar).
#}
{% macro targets_by_fiscal_quarter(targets, dates) -%}
    select
        {{ targets }}.user_id,
        {{ targets }}.team,
        {{ targets }}.metric,
        fiscal_quarters.fiscal_quarter_start_date,
        sum(
            {{ targets }}.target_value
            * ({{ dbt.datediff(
                'greatest(' ~ targets ~ '.period_start, fiscal_quarters.fiscal_quarter_start_date)',
                'least(' ~ targets ~ '.period_end, fiscal_quarters.fiscal_quarter_end_date)',
                'day'
            ) }} + 1)
            / ({{ dbt.datediff(targets ~ '.period_start', targets ~ '.period_end', 'day') }} + 1)
        ) as target_value
    from {{ targets }}
    inner join (
        select
            fiscal_quarter_start_date,
            max(date_day) as fiscal_quarter_end_date
        from {{ dates }}
        group by 1
    ) as fiscal_quarters
        on
            {{ targets }}.period_start <= fiscal_quarters.fiscal_quarter_end_date
            and {{ targets }}.period_end >= fiscal_quarters.fiscal_quarter_start_date
    group by 1, 2, 3, 4
{%- endmacro %}
