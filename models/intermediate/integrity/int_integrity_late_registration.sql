-- I1 per rep and fiscal quarter of the close: of the won opportunities, the
-- share registered late, i.e. created at most var late_registration_days
-- before closing, or first recorded at Quote or a later stage. Opportunity
-- types in var late_registration_excluded_types (renewals, which start at
-- Quote by design) are left out.
with

won as (

    select * from {{ ref('int_opportunities_enriched') }}
    where
        is_counted_win
        and coalesce(opportunity_type, '') not in (
            {%- for type in var('late_registration_excluded_types') %}
                '{{ type }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        )

),

final as (

    select
        owner_user_id,
        close_fiscal_quarter_start_date as fiscal_quarter_start_date,
        count(*) as won_opportunities,
        sum(
            case
                when
                    days_created_to_close <= {{ var('late_registration_days') }}
                    or first_funnel_stage_order >= 5
                    then 1
                else 0
            end
        ) as late_registered_opportunities
    from won
    group by 1, 2

)

select * from final
