-- C7 per account owner and fiscal quarter.
with

responses as (

    select * from {{ ref('int_nps_responses_enriched') }}

),

final as (

    select
        owner_user_id,
        fiscal_quarter_start_date,
        {{ nps_counts() }}
    from responses
    group by 1, 2

)

select * from final
