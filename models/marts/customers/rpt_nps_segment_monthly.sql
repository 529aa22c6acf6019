-- C7 per segment (industry x size band) and month.
with

responses as (

    select * from {{ ref('int_nps_responses_enriched') }}

),

final as (

    select
        industry,
        size_band,
        month_start_date,
        {{ nps_counts() }}
    from responses
    group by 1, 2, 3

)

select * from final
