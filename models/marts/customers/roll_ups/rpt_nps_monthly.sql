-- C7 per month: rpt_nps_segment_monthly's counts added up, NPS from the sums.
with

by_segment as (

    select * from {{ ref('rpt_nps_segment_monthly') }}

),

final as (

    select
        month_start_date,
        {{ nps_counts(summed=true) }}
    from by_segment
    group by 1

)

select * from final
