-- A1 per rep and day: completed activities by category and the points they earn.
with

activities as (

    select * from {{ ref('int_activities_enriched') }}

),

final as (

    select
        owner_user_id,
        activity_date,
        {% for category in activity_categories() -%}
            cast(
                sum(case when activity_category = '{{ category }}' then 1 else 0 end)
                as {{ dbt.type_int() }}
            ) as {{ category }}_activities,
        {% endfor -%}
        cast(count(*) as {{ dbt.type_int() }}) as activities,
        cast(sum(case when is_visit then 1 else 0 end) as {{ dbt.type_int() }}) as visits,
        cast(sum(activity_points) as {{ dbt.type_int() }}) as activity_points
    from activities
    group by 1, 2

)

select * from final
