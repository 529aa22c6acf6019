-- C3 over the 12 months up to the as-of date (the window C2's churn is
-- measured over), per customer active on its first day, retained or not: the
-- rule is the macro customer_retention, shared with the fiscal periods.
with

windows as (

    select
        cast({{ dbt.dateadd('month', -12, 'as_of.as_of_date') }} as date) as window_start,
        as_of.as_of_date as window_end
    from {{ ref('int_export_as_of_date') }} as as_of

),

retention as (

    {{ customer_retention('windows', 'window_start', 'window_end') }}

),

final as (

    select
        window_start,
        window_end,
        account_id,
        is_retained
    from retention

)

select * from final
