-- Periods in which an account was an active customer, as validity intervals.
-- A won opportunity makes its account active from its close date for
-- var customer_active_months (12); overlapping or touching windows merge into
-- one spell. Active on date t = a spell with active_from <= t < active_until.
-- "Was the account active then?" is a range join on these rows, never a
-- cross join of dates with opportunities.
with

won as (

    select
        account_id,
        opportunity_id,
        close_date,
        cast({{ dbt.dateadd('month', var('customer_active_months'), 'close_date') }} as date)
            as window_end
    from {{ ref('int_opportunities_enriched') }}
    where
        is_counted_win
        and account_id is not null

),

ordered as (

    select
        *,
        max(window_end) over (
            partition by account_id
            order by close_date, opportunity_id
            rows between unbounded preceding and 1 preceding
        ) as previous_window_end
    from won

),

numbered as (

    select
        *,
        sum(
            case
                when previous_window_end is null or close_date > previous_window_end then 1 else 0
            end
        ) over (
            partition by account_id
            order by close_date, opportunity_id
            rows between unbounded preceding and current row
        ) as spell_number
    from ordered

),

final as (

    select
        {{ dbt.concat(['account_id', "'|'", dbt.cast('spell_number', dbt.type_string())]) }}
            as customer_spell_id,
        account_id,
        cast(spell_number as {{ dbt.type_int() }}) as spell_number,
        min(close_date) as active_from,
        max(window_end) as active_until,
        cast(count(*) as {{ dbt.type_int() }}) as won_opportunities
    from numbered
    group by account_id, spell_number

)

select * from final
