{#- The rules, in display order: (rule, file, kept_or_excluded, description). -#}
{%- set rules = [
    ('won_before_first_contact', 'Opportunity.csv', 'kept',
        'Won opportunity whose close date lies before its first contact (a back-dated close). Kept as a win with its amount; fct_opportunities.days_first_contact_to_won is null for it, so it does not enter deal-velocity averages.'),
    ('opportunity_closed_before_created', 'Opportunity.csv', 'kept',
        'Closed opportunity whose close date lies before its created date. Kept as won or lost; fct_opportunities.days_created_to_close is null for it.'),
    ('open_opportunity_without_account', 'Opportunity.csv', 'kept',
        'Open opportunity with no AccountId. Kept in the pipeline KPIs; it counts for no account, segment or territory.'),
    ('opportunity_amount_zero', 'Opportunity.csv', 'kept',
        'Opportunity with Amount 0. Kept: counts as a deal (win, loss, pipeline) and adds 0 to every amount.'),
    ('won_opportunity_without_amount', 'Opportunity.csv', 'kept',
        'Won opportunity with no Amount. Kept: counts as a win and adds nothing to won amounts or order sizes.'),
    ('opportunity_account_not_in_export', 'Opportunity.csv', 'kept',
        'Opportunity whose AccountId names no account of Account.csv (an orphan). Kept in every opportunity KPI; it counts for no account, segment or territory.'),
    ('opportunity_owner_not_in_users', 'Opportunity.csv', 'kept',
        'Opportunity whose OwnerId names no user of User.csv (an orphan). Kept in fct_opportunities; its owner has no name, team or roster role in dim_reps, so it counts for no team.'),
    ('history_opportunity_not_in_export', 'OpportunityHistory.csv', 'kept',
        'OpportunityHistory row whose OpportunityId names no opportunity of Opportunity.csv (an orphan). Kept in the stage transitions; it reaches no opportunity KPI.'),
    ('soft_deleted_opportunity', 'Opportunity.csv', 'excluded',
        'Opportunity with IsDeleted true (on an account that is not deleted). Excluded from every KPI; only the integrity KPIs look at it.'),
    ('soft_deleted_account', 'Account.csv', 'excluded',
        'Account with IsDeleted true. Kept in dim_accounts (is_deleted), but never a customer: its opportunities, contacts and NPS responses are excluded by the three rules below, so it counts in no customer, territory, NPS or new-customer KPI.'),
    ('opportunity_of_deleted_account', 'Opportunity.csv', 'excluded',
        'Opportunity on a soft-deleted account, whatever its own IsDeleted (Salesforce deletes the opportunities of an account with it). fct_opportunities.is_deleted is true for it: excluded from every KPI, its wins and stage transitions included; the integrity KPIs look at it as a deletion.'),
    ('contact_of_deleted_account', 'Contact.csv', 'excluded',
        'Contact on a soft-deleted account, whatever its own IsDeleted (Salesforce deletes the contacts of an account with it). Treated as soft-deleted: excluded from the territory KPIs (A6).'),
    ('nps_response_of_deleted_account', 'nps_responses.csv', 'excluded',
        'NPS response on a soft-deleted account. Left out of fct_nps_responses and every NPS figure (C7).'),
    ('opportunity_closed_after_as_of', 'Opportunity.csv', 'kept',
        'Opportunity closed, in its state at the as-of date, with a CloseDate after the as-of date (a close dated ahead). Kept; it counts as a win or loss from its close date only, so in no period up to the as-of date.'),
    ('task_completed_after_as_of', 'Task.csv', 'kept',
        'Completed task whose ActivityDate lies after the as-of date. Kept on its activity date, so in no period up to the as-of date.'),
    ('activity_logged_late_task', 'Task.csv', 'kept',
        'Completed task logged (CreatedDate) more than var backdate_days after its ActivityDate. Kept on its activity date; flagged by the back-dated logging KPI (I2).'),
    ('activity_logged_late_event', 'Event.csv', 'kept',
        'Completed event logged (CreatedDate) more than var backdate_days after its ActivityDate. Kept on its activity date; flagged by the back-dated logging KPI (I2).'),
    ('activity_owner_not_in_users_task', 'Task.csv', 'kept',
        'Task whose OwnerId names no user of User.csv (an orphan). Kept in fct_activities; its owner has no name, team or roster role in dim_reps, so it counts for no team.'),
    ('activity_owner_not_in_users_event', 'Event.csv', 'kept',
        'Event whose OwnerId names no user of User.csv (an orphan). Kept in fct_activities; its owner has no name, team or roster role in dim_reps, so it counts for no team.'),
    ('activity_type_unmapped_task', 'Task.csv', 'kept',
        'Task whose Type is not in seeds/reference/activity_types.csv (activity_object Task), empty included. Kept as activity category unmapped with 0 points; an admission warning names each value.'),
    ('activity_type_unmapped_event', 'Event.csv', 'kept',
        'Event whose Type is not in seeds/reference/activity_types.csv (activity_object Event), empty included. Kept as activity category unmapped with 0 points; an admission warning names each value.'),
    ('lead_source_unmapped', 'Lead.csv', 'kept',
        'Lead whose LeadSource is not in seeds/reference/lead_source_channels.csv. Kept with channel Unmapped (no marketing spend matched); an admission warning names each value.'),
    ('account_source_unmapped', 'Account.csv', 'kept',
        'Account whose AccountSource is not in seeds/reference/lead_source_channels.csv. Kept with channel Unmapped; an admission warning names each value.'),
] -%}
-- Data-quality rules: one row per rule, with how many records it applies to
-- and the first five of them, whether they are kept (by the documented rule)
-- or excluded, even when the count is 0. Built from intermediate models.
with

anomalies as (

    select * from {{ ref('int_data_quality_anomalies') }}

),

rules as (

    {% for rule_name, file_name, kept_or_excluded, description in rules -%}
        select
            {{ loop.index }} as rule_order,
            '{{ rule_name }}' as rule_name,
            '{{ file_name }}' as file_name,
            '{{ kept_or_excluded }}' as kept_or_excluded,
            '{{ description }}' as description
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

counted as (

    select
        rule_name,
        count(*) as row_count,
        {{ dbt.listagg('record_id', "', '", 'order by record_id', 5) }} as example_ids
    from anomalies
    group by rule_name

),

final as (

    select
        rules.rule_order,
        rules.rule_name,
        rules.file_name,
        rules.kept_or_excluded,
        cast(coalesce(counted.row_count, 0) as {{ dbt.type_int() }}) as row_count,
        counted.example_ids,
        rules.description
    from rules
    left join counted on rules.rule_name = counted.rule_name

)

select * from final
order by rule_order
