-- A6 per territory (Account.Territory__c) and fiscal quarter: the ACCH
-- shares over the territory's accounts, with the counts behind each share
-- (flags defined in int_acch_members_quarterly).
with

members as (

    select * from {{ ref('int_acch_members_quarterly') }}
    where member_type = 'account'

),

counts as (

    select
        coalesce(territory, 'Unknown') as territory,
        fiscal_quarter_start_date,
        evaluation_date,
        {{ acch_counts() }}
    from members
    group by 1, 2, 3

),

final as (

    select
        territory,
        fiscal_quarter_start_date,
        evaluation_date,
        {{ acch_shares() }}
    from counts

)

select * from final
