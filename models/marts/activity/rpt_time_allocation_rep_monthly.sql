-- A5 per rep and month: logged minutes per time category (activity_types
-- seed) and each category's share of all logged minutes. Time comes from
-- event durations and task call durations; an activity without a logged
-- duration adds no time and is counted in activities_without_duration.
with

activities as (

    select * from {{ ref('int_activities_enriched') }}

),

monthly as (

    select
        owner_user_id,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month_start_date,
        {% for category in time_categories() -%}
            sum(case when time_category = '{{ category }}' then duration_minutes else 0 end)
                as {{ category }}_minutes,
        {% endfor -%}
        sum(case when time_category = 'unmapped' then duration_minutes else 0 end)
            as unmapped_minutes,
        coalesce(sum(duration_minutes), 0) as logged_minutes,
        count(*) as activities,
        sum(case when duration_minutes is null then 1 else 0 end) as activities_without_duration
    from activities
    group by 1, 2

),

final as (

    select
        owner_user_id,
        month_start_date,
        cast(activities as {{ dbt.type_int() }}) as activities,
        cast(activities_without_duration as {{ dbt.type_int() }}) as activities_without_duration,
        cast(logged_minutes as {{ dbt.type_numeric() }}) as logged_minutes,
        {% for category in time_categories() -%}
            cast({{ category }}_minutes as {{ dbt.type_numeric() }}) as {{ category }}_minutes,
            {{ safe_divide(category ~ '_minutes', 'logged_minutes') }} as {{ category }}_share,
        {% endfor -%}
        cast(unmapped_minutes as {{ dbt.type_numeric() }}) as unmapped_minutes
    from monthly

)

select * from final
