-- NPS responses given on or before the as-of date.
with

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

responses as (

    select * from {{ ref('stg_sales_ops__nps_responses') }}

),

final as (

    select
        responses.nps_response_id,
        responses.account_id,
        responses.contact_id,
        responses.score,
        responses.has_comment,
        responses.responded_at
    from responses
    cross join as_of
    where cast(responses.responded_at as date) <= as_of.as_of_date

)

select * from final
