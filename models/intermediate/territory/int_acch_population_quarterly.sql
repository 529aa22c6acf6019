-- A6: the ACCH populations, one row per member and fiscal quarter. Accounts
-- are the population of their territory, contacts the population of their
-- account; a member counts from its creation, soft deletes are left out.
-- A table of its own: the flags (int_acch_members_quarterly) join five
-- aggregates to it, and read as a table its size is known to the planner
-- (as a range join inside one query, DuckDB guessed a thousand rows for
-- millions and ran out of memory at 5 million activities).
with

quarter_windows as (

    select * from {{ ref('int_acch_quarter_windows') }}

),

accounts as (

    select * from {{ ref('int_accounts_enriched') }}
    where not is_deleted

),

contacts as (

    select * from {{ ref('int_contacts_as_of') }}
    where not is_deleted

),

final as (

    select
        'account' as member_type,
        accounts.account_id as member_id,
        accounts.account_id,
        accounts.territory,
        quarter_windows.fiscal_quarter_start_date,
        quarter_windows.evaluation_date
    from accounts
    inner join quarter_windows
        on cast(accounts.created_at as date) <= quarter_windows.evaluation_date

    union all

    select
        'contact' as member_type,
        contacts.contact_id as member_id,
        contacts.account_id,
        accounts.territory,
        quarter_windows.fiscal_quarter_start_date,
        quarter_windows.evaluation_date
    from contacts
    inner join quarter_windows
        on cast(contacts.created_at as date) <= quarter_windows.evaluation_date
    left join accounts on contacts.account_id = accounts.account_id

)

select * from final
