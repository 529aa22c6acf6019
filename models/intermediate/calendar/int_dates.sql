-- One row per calendar day with its fiscal month, quarter and year. The
-- fiscal year starts in the month of var fiscal_year_start_month and is named
-- after the calendar year it ends in (FY2025 = Jul 2024 - Jun 2025 when it
-- starts in July).
with

days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        "cast('" ~ var('calendar_end_date') ~ "' as date)"
    ) }}

),

parts as (

    select
        cast(date_day as date) as date_day,
        cast(extract(year from date_day) as {{ dbt.type_int() }}) as calendar_year,
        cast(extract(month from date_day) as {{ dbt.type_int() }}) as calendar_month,
        -- months since the start of the fiscal year, 0 to 11
        mod(
            cast(extract(month from date_day) as {{ dbt.type_int() }})
            - {{ var('fiscal_year_start_month') }} + 12,
            12
        ) as fiscal_month_index
    from days

),

fiscal as (

    select
        date_day,
        calendar_year,
        calendar_month,
        fiscal_month_index + 1 as fiscal_month_of_year,
        cast(floor(fiscal_month_index / 3.0) as {{ dbt.type_int() }}) + 1 as fiscal_quarter_of_year,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.last_day('date_day', 'month') }} as date) as month_end_date,
        cast({{ dbt.dateadd(
            'month', '-mod(fiscal_month_index, 3)', dbt.date_trunc('month', 'date_day')
        ) }} as date) as fiscal_quarter_start_date,
        cast({{ dbt.dateadd(
            'month', '-fiscal_month_index', dbt.date_trunc('month', 'date_day')
        ) }} as date) as fiscal_year_start_date
    from parts

),

final as (

    select
        date_day,
        calendar_year,
        calendar_month,
        month_start_date,
        month_end_date,
        week_start_date,
        -- Monday to Friday (weeks start on Monday on every supported engine)
        coalesce({{ dbt.datediff('week_start_date', 'date_day', 'day') }} < 5, false)  -- noqa: LT05
            as is_weekday,
        fiscal_month_of_year,
        fiscal_quarter_of_year,
        fiscal_quarter_start_date,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'fiscal_quarter_start_date')) }}
            as date
        ) as fiscal_quarter_end_date,
        cast(extract(year from fiscal_year_start_date) as {{ dbt.type_int() }})
        + {{ 0 if var('fiscal_year_start_month') == 1 else 1 }} as fiscal_year,
        {{ dbt.concat([
            "'FY'",
            dbt.cast("extract(year from fiscal_year_start_date) + " ~ (0 if var('fiscal_year_start_month') == 1 else 1), dbt.type_string()),
            "'-Q'",
            dbt.cast('fiscal_quarter_of_year', dbt.type_string()),
        ]) }} as fiscal_quarter_label,
        date_day = month_end_date as is_month_end
    from fiscal

)

select * from final
