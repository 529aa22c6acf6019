{#
    The time-allocation categories of the KPI catalogue (A5), in display
    order: the values seeds/reference/activity_types.csv may map an activity
    type to in its time_category column, and the per-category columns of
    rpt_time_allocation_rep_monthly.
#}
{% macro time_categories() %}
    {{ return(['lead_generation', 'prospecting', 'customer_visits', 'quoting', 'office', 'travel']) }}
{% endmacro %}
