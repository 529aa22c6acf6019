-- Line items of the opportunities that existed at the as-of date (line items
-- carry no date of their own; their products and prices are current values).
with

opportunities as (

    select opportunity_id from {{ ref('int_opportunities_as_of') }}

),

line_items as (

    select * from {{ ref('stg_salesforce__opportunity_line_items') }}

),

final as (

    select
        line_items.opportunity_line_item_id,
        line_items.opportunity_id,
        line_items.product_id,
        line_items.quantity,
        line_items.unit_price,
        line_items.total_price,
        line_items.list_price,
        line_items.discount_pct,
        line_items.is_deleted,
        line_items.service_date
    from line_items
    inner join opportunities on line_items.opportunity_id = opportunities.opportunity_id

)

select * from final
