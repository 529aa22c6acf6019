-- A6 per key account and fiscal quarter: the ACCH shares over the account's
-- contacts, with the counts behind each share (flags defined in
-- int_acch_members_quarterly). A key account won at least var
-- key_account_min_won_amount in the 12 months up to the quarter end.
with

members as (

    select * from {{ ref('int_acch_members_quarterly') }}
    where member_type = 'contact' and is_key_account

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

counts as (

    select
        account_id,
        fiscal_quarter_start_date,
        evaluation_date,
        {{ acch_counts() }}
    from members
    group by 1, 2, 3

),

final as (

    select
        counts.account_id,
        accounts.account_name,
        accounts.territory,
        counts.fiscal_quarter_start_date,
        counts.evaluation_date,
        {{ acch_shares() }}
    from counts
    left join accounts on counts.account_id = accounts.account_id

)

select * from final
