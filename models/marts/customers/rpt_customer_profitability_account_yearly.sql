-- C6 per account and fiscal year: revenue and each cost component in its own
-- column, so a reader sees where the margin goes.
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

lines as (

    select * from {{ ref('int_won_line_items') }}

),

acquisitions as (

    select * from {{ ref('int_account_acquisition_channels') }}

),

marketing as (

    select * from {{ ref('int_marketing_efficiency_monthly') }}

),

activities as (

    -- completed, cut at the as-of date and resolved to the account (also through
    -- the contact or opportunity) once, like every other activity KPI
    select * from {{ ref('int_activities_enriched') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

revenue as (

    select
        opportunities.account_id,
        dates.fiscal_year,
        sum(opportunities.amount) as revenue
    from opportunities
    inner join dates on opportunities.close_date = dates.date_day
    group by 1, 2

),

product_costs as (

    -- lines at the product's unit cost, else at the default margin (so are deals without lines)
    select
        opportunities.account_id,
        dates.fiscal_year,
        sum(
            case
                when lines.opportunity_line_item_id is null
                    then opportunities.amount * (1 - {{ var('default_gross_margin') }})
                when lines.product_unit_cost is not null
                    then lines.quantity * lines.product_unit_cost
                else lines.line_amount * (1 - {{ var('default_gross_margin') }})
            end
        ) as product_cost
    from opportunities
    inner join dates on opportunities.close_date = dates.date_day
    left join lines on opportunities.opportunity_id = lines.opportunity_id
    group by 1, 2

),

acquisition_costs as (

    -- the channel's cost per conversion in the month of the first purchase, in that fiscal year
    select
        acquisitions.account_id,
        dates.fiscal_year,
        marketing.cost_per_conversion as acquisition_cost
    from acquisitions
    inner join dates on acquisitions.first_won_date = dates.date_day
    left join marketing
        on
            acquisitions.channel = marketing.channel
            and acquisitions.first_won_month = marketing.month_start_date

),

service_costs as (

    select
        activities.account_id,
        dates.fiscal_year,
        -- in double on every engine (macros/type_double.sql)
        cast(sum(coalesce(activities.duration_minutes, 0)) as {{ type_double() }}) / 60
            as activity_hours
    from activities
    inner join dates on activities.activity_date = dates.date_day
    where activities.account_id is not null
    group by 1, 2

),

spine as (

    select
        account_id,
        fiscal_year
    from revenue
    union
    select
        account_id,
        fiscal_year
    from acquisition_costs
    union
    -- a customer's years without a purchase still cost time to serve
    select
        account_id,
        fiscal_year
    from service_costs
    where account_id in (select opportunities.account_id from opportunities)

),

final as (

    select
        spine.account_id,
        accounts.industry,
        accounts.size_band,
        spine.fiscal_year,
        cast(coalesce(revenue.revenue, 0) as {{ dbt.type_numeric() }}) as revenue,
        cast(coalesce(product_costs.product_cost, 0) as {{ dbt.type_numeric() }}) as product_cost,
        cast(coalesce(acquisition_costs.acquisition_cost, 0) as {{ dbt.type_numeric() }})
            as acquisition_cost,
        cast(coalesce(service_costs.activity_hours, 0) as {{ dbt.type_numeric() }})
            as activity_hours,
        cast(
            coalesce(service_costs.activity_hours, 0)
            * {{ var('rep_hourly_cost') }} as {{ dbt.type_numeric() }}
        )
            as cost_to_serve,
        cast(
            coalesce(revenue.revenue, 0)
            - coalesce(product_costs.product_cost, 0)
            - coalesce(acquisition_costs.acquisition_cost, 0)
            - coalesce(service_costs.activity_hours, 0) * {{ var('rep_hourly_cost') }}
            as {{ dbt.type_numeric() }}
        ) as profit
    from spine
    left join accounts on spine.account_id = accounts.account_id
    left join revenue
        on spine.account_id = revenue.account_id and spine.fiscal_year = revenue.fiscal_year
    left join product_costs
        on spine.account_id = product_costs.account_id
            and spine.fiscal_year = product_costs.fiscal_year
    left join acquisition_costs
        on spine.account_id = acquisition_costs.account_id
            and spine.fiscal_year = acquisition_costs.fiscal_year
    left join service_costs
        on spine.account_id = service_costs.account_id
            and spine.fiscal_year = service_costs.fiscal_year

)

select * from final
