-- OpportunityFieldHistory as it stood at the as-of date: changes logged after
-- it are dropped.
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

field_history as (

    select * from {{ ref('stg_salesforce__opportunity_field_history') }}

),

final as (

    select
        field_history.opportunity_field_history_id,
        field_history.opportunity_id,
        field_history.created_by_user_id,
        field_history.field_name,
        field_history.old_value,
        field_history.new_value,
        field_history.is_deleted,
        field_history.created_at
    from field_history
    cross join as_of
    where cast(field_history.created_at as date) <= as_of.as_of_date

)

select * from final
