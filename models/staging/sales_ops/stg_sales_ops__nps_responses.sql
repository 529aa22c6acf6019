-- A response without a score stays, with a null score: NPS counts it as
-- "no score", never as a detractor. Comments are free text and stop here.
with

source as (

    select * from {{ crm_source('sales_ops', 'nps_responses', 'nps_responses') }}

),

renamed as (

    select
        -- ids
        {{ parse_text('response_id') }} as nps_response_id,
        {{ parse_text('account_id') }} as account_id,
        {{ parse_text('contact_id') }} as contact_id,

        -- numerics
        {{ parse_integer('score') }} as score,

        -- booleans
        {{ parse_text('comment') }} is not null as has_comment,

        -- timestamps
        {{ parse_timestamp('responded_at') }} as responded_at

    from source

)

select * from renamed
