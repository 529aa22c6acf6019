-- Each lead (soft deletes excluded) with whether it meets the ideal customer
-- profile. The rules are vars (icp_industries, icp_min_employees,
-- icp_min_annual_revenue, icp_countries): a rule that is empty or null does
-- not apply; a lead with an unknown value for a rule that applies does not
-- qualify.
{%- set industries = var('icp_industries') or [] %}
{%- set countries = var('icp_countries') or [] %}
with

leads as (

    select * from {{ ref('int_leads_as_of') }}
    where not is_deleted

),

final as (

    select
        lead_id,
        owner_user_id,
        coalesce(lead_source, 'Unknown') as lead_source,
        cast(created_at as date) as created_date,
        is_converted,
        converted_opportunity_id,
        lead_status,
        coalesce(
            -- the rendered list is as long as the var makes it
            {% if industries -%}
                industry in ('{{ industries | join("', '") }}')  -- noqa: LT05
            {%- else -%}
                true
            {%- endif %}
            and {% if var('icp_min_employees') is not none -%}
                number_of_employees >= {{ var('icp_min_employees') }}
            {%- else -%}
                true
            {%- endif %}
            and {% if var('icp_min_annual_revenue') is not none -%}
                annual_revenue >= {{ var('icp_min_annual_revenue') }}
            {%- else -%}
                true
            {%- endif %}
            and {% if countries -%}
                country in ('{{ countries | join("', '") }}')
            {%- else -%}
                true
            {%- endif %},
            false
        ) as is_icp_qualified
    from leads

)

select * from final
