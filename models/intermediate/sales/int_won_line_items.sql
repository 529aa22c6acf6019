-- One row per product line of a won opportunity (soft deletes excluded, won
-- by the as-of date), in the reporting currency, with whether the account was
-- already a customer when the opportunity was created and whether it had
-- bought this product before (C5); the product's name and unit cost (C5, C6).
with

line_items as (

    select * from {{ ref('int_opportunity_line_items_as_of') }}
    where not is_deleted

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

converted as (

    select * from {{ ref('int_opportunities_converted') }}

),

accounts as (

    select * from {{ ref('int_accounts_enriched') }}

),

products as (

    select * from {{ ref('stg_salesforce__products') }}

),

lines as (

    select
        line_items.opportunity_line_item_id,
        line_items.opportunity_id,
        line_items.product_id,
        products.product_name,
        products.unit_cost as product_unit_cost,
        opportunities.account_id,
        opportunities.owner_user_id,
        opportunities.created_date,
        opportunities.close_date,
        opportunities.close_fiscal_quarter_start_date,
        line_items.quantity,
        -- the conversion factor is a double: one rounding rule (macros/type_double.sql)
        {{ numeric_from_double('line_items.total_price * converted.conversion_factor') }}
            as line_amount,
        accounts.first_won_date < opportunities.created_date as is_existing_customer
    from line_items
    inner join opportunities on line_items.opportunity_id = opportunities.opportunity_id
    inner join converted on line_items.opportunity_id = converted.opportunity_id
    left join accounts on opportunities.account_id = accounts.account_id
    left join products on line_items.product_id = products.product_id

),

bought_before as (

    -- lines whose product the account bought in a deal closed before this one was created
    select distinct current_lines.opportunity_line_item_id
    from lines as current_lines
    inner join lines as earlier_lines
        on
            current_lines.account_id = earlier_lines.account_id
            and current_lines.product_id = earlier_lines.product_id
            and current_lines.created_date > earlier_lines.close_date

),

final as (

    select
        lines.*,
        bought_before.opportunity_line_item_id is not null as is_repeat_product,
        case
            when not coalesce(lines.is_existing_customer, false) then 'new_customer'
            when bought_before.opportunity_line_item_id is not null then 'upsell'
            else 'cross_sell'
        end as sale_type
    from lines
    left join
        bought_before
        on lines.opportunity_line_item_id = bought_before.opportunity_line_item_id

)

select * from final
