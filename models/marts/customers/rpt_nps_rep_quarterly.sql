-- C7 per account owner and fiscal quarter.
with

responses as (

    select * from {{ ref('fct_nps_responses') }}

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
