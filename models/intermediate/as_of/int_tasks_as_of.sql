-- Tasks created on or before the as-of date. A task completed after it was
-- still open at the as-of date (Salesforce keeps an open task's record; only its
-- status changes): it stays, open, with status 'Not Started' and no completion.
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

tasks as (

    select
        stg_tasks.*,
        coalesce(cast(stg_tasks.completed_at as date) > as_of.as_of_date, false)
            as is_completed_later
    from {{ ref('stg_salesforce__tasks') }} as stg_tasks
    cross join as_of
    where cast(stg_tasks.created_at as date) <= as_of.as_of_date

),

final as (

    select
        tasks.task_id,
        tasks.owner_user_id,
        tasks.who_id,
        tasks.what_id,
        tasks.account_id,
        tasks.task_type,
        tasks.task_subtype,
        case when tasks.is_completed_later then 'Not Started' else tasks.task_status end
            as task_status,
        tasks.call_type,
        tasks.subject,
        case when not tasks.is_completed_later then tasks.call_duration_seconds end
            as call_duration_seconds,
        tasks.is_closed and not tasks.is_completed_later as is_closed,
        tasks.is_deleted,
        tasks.activity_date,
        case when not tasks.is_completed_later then tasks.completed_at end as completed_at,
        tasks.created_at
    from tasks

)

select * from final
