{#
    A6 (ACCH): the member counts and the shares built on them, shared by the
    territory and key-account marts so both state the formula once. The flags
    are defined in int_acch_members_quarterly.
    prefix: put before every column name (the territory mart's contact_ columns);
    member_type: count only the members of that type (none: every row).
#}
{% macro acch_flags() %}
    {{ return(['aware', 'covered', 'considering', 'hit']) }}
{% endmacro %}

{% macro acch_counts(prefix='', member_type=none) -%}
    {%- set only = "member_type = '" ~ member_type ~ "' and " if member_type else '' -%}
    {% if member_type -%}
        sum(case when member_type = '{{ member_type }}' then 1 else 0 end) as {{ prefix }}members,
    {%- else -%}
        count(*) as {{ prefix }}members,
    {%- endif %}
    {% for flag in acch_flags() -%}
        sum(case when {{ only }}is_{{ flag }} then 1 else 0 end) as {{ prefix }}{{ flag }}_members
        {%- if not loop.last %},{% endif %}
    {% endfor %}
{%- endmacro %}

{% macro acch_shares(prefix='') -%}
    cast({{ prefix }}members as {{ dbt.type_int() }}) as {{ prefix }}members,
    {% for flag, share in [
        ('aware', 'awareness'), ('covered', 'coverage'),
        ('considering', 'consideration'), ('hit', 'hit_rate'),
    ] -%}
        cast({{ prefix }}{{ flag }}_members as {{ dbt.type_int() }}) as {{ prefix }}{{ flag }}_members,
        {{ safe_divide(prefix ~ flag ~ '_members', prefix ~ 'members') }} as {{ prefix }}{{ share }}
        {%- if not loop.last %},{% endif %}
    {% endfor %}
{%- endmacro %}
