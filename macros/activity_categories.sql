{#
    The activity categories of the KPI catalogue (A1), in display order: the
    values seeds/reference/activity_types.csv may map CRM types to, and the
    per-category count columns of the activity marts.
#}
{% macro activity_categories() %}
    {{ return(['call', 'voicemail', 'email', 'linkedin_message', 'meeting_visit', 'intake_demo']) }}
{% endmacro %}
