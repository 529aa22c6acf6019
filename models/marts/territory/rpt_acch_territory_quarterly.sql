-- A6 per territory (Account.Territory__c) and fiscal quarter: the ACCH
-- shares over the territory's accounts, and (contact_ columns) over the
-- contacts of those accounts, with the counts behind each share (flags
-- defined in int_acch_members_quarterly).
with

members as (

    select * from {{ ref('int_acch_members_quarterly') }}
    where member_type in ('account', 'contact')

),

counts as (

    select
        coalesce(territory, 'Unknown') as territory,
        fiscal_quarter_start_date,
        evaluation_date,
        {{ acch_counts(member_type='account') }},
        {{ acch_counts(prefix='contact_', member_type='contact') }}
    from members
    group by 1, 2, 3

),

final as (

    select
        territory,
        fiscal_quarter_start_date,
        evaluation_date,
        {{ acch_shares() }},
        {{ acch_shares(prefix='contact_') }}
    from counts

)

select * from final
