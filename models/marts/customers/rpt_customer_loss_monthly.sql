-- C4 per calendar month: of the accounts that were ever customers by the
-- month's end, the share with no won opportunity in the 12 months before it,
-- and how many crossed that line during the month.
with

spells as (

    select * from {{ ref('int_customer_active_spells') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

months as (

    select
        month_start_date,
        least(max(date_day), (select as_of.as_of_date from as_of)) as measured_on
    from dates
    where
        date_day <= (select as_of.as_of_date from as_of)
        and date_day >= (select min(spells.active_from) from spells)
    group by 1

),

first_purchases as (

    select
        account_id,
        min(active_from) as first_won_date
    from spells
    group by 1

),

ever_customers as (

    select
        months.month_start_date,
        count(*) as ever_customers
    from months
    inner join first_purchases on months.measured_on >= first_purchases.first_won_date
    group by 1

),

active_customers as (

    select
        months.month_start_date,
        count(distinct spells.account_id) as active_customers
    from months
    inner join spells
        on
            months.measured_on >= spells.active_from
            and months.measured_on < spells.active_until
    group by 1

),

newly_lost as (

    -- active on the month's eve (a spell ending on the 1st ends this month)
    -- and no longer active when measured (a return within the month undoes it)
    select
        months.month_start_date,
        count(distinct spells.account_id) as newly_lost_customers
    from months
    inner join spells
        on
            months.month_start_date <= spells.active_until
            and months.measured_on >= spells.active_until
    left join spells as return_spells
        on
            spells.account_id = return_spells.account_id
            and months.measured_on >= return_spells.active_from
            and months.measured_on < return_spells.active_until
    where return_spells.account_id is null
    group by 1

),

final as (

    select
        months.month_start_date,
        months.measured_on,
        cast(coalesce(ever_customers.ever_customers, 0) as {{ dbt.type_int() }}) as ever_customers,
        cast(coalesce(active_customers.active_customers, 0) as {{ dbt.type_int() }})
            as active_customers,
        cast(
            coalesce(ever_customers.ever_customers, 0)
            - coalesce(active_customers.active_customers, 0)
            as {{ dbt.type_int() }}
        ) as lost_customers,
        {{ safe_divide(
            'coalesce(ever_customers.ever_customers, 0) - coalesce(active_customers.active_customers, 0)',
            'ever_customers.ever_customers'
        ) }} as customer_loss_rate,
        cast(coalesce(newly_lost.newly_lost_customers, 0) as {{ dbt.type_int() }})
            as newly_lost_customers
    from months
    left join ever_customers on months.month_start_date = ever_customers.month_start_date
    left join active_customers on months.month_start_date = active_customers.month_start_date
    left join newly_lost on months.month_start_date = newly_lost.month_start_date

)

select * from final
