-- Leads created on or before the as-of date. A lead converted after it was not
-- yet converted at the as-of date: IsConverted false, no converted ids or date,
-- status 'Working - Contacted' (it was being worked). Other statuses have no
-- history in the export: lead_status is otherwise its current value.
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

leads as (

    select
        leads.*,
        coalesce(leads.converted_date > as_of.as_of_date, false) as converted_later
    from {{ ref('stg_salesforce__leads') }} as leads
    cross join as_of
    where cast(leads.created_at as date) <= as_of.as_of_date

),

final as (

    select
        lead_id,
        owner_user_id,
        case when converted_later then null else converted_account_id end as converted_account_id,
        case when converted_later then null else converted_contact_id end as converted_contact_id,
        case when converted_later then null else converted_opportunity_id end
            as converted_opportunity_id,
        case when converted_later then 'Working - Contacted' else lead_status end as lead_status,
        lead_source,
        company_name,
        industry,
        country,
        rating,
        number_of_employees,
        annual_revenue,
        case when converted_later then false else is_converted end as is_converted,
        has_email,
        has_phone,
        is_deleted,
        case when converted_later then null else converted_date end as converted_date,
        created_at
    from leads

)

select * from final
