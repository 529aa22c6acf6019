{#
    A6 (ACCH): the member counts and the shares built on them, shared by the
    territory and key-account marts so both state the formula once. The flags
    are defined in int_acch_members_quarterly.
#}
{% macro acch_flags() %}
    {{ return(['aware', 'covered', 'considering', 'hit']) }}
{% endmacro %}

{% macro acch_counts() -%}
    count(*) as members,
    {% for flag in acch_flags() -%}
        sum(case when is_{{ flag }} then 1 else 0 end) as {{ flag }}_members
        {%- if not loop.last %},{% endif %}
    {% endfor %}
{%- endmacro %}

{% macro acch_shares() -%}
    cast(members as {{ dbt.type_int() }}) as members,
    {% for flag, share in [
        ('aware', 'awareness'), ('covered', 'coverage'),
        ('considering', 'consideration'), ('hit', 'hit_rate'),
    ] -%}
        cast({{ flag }}_members as {{ dbt.type_int() }}) as {{ flag }}_members,
        {{ safe_divide(flag ~ '_members', 'members') }} as {{ share }}
        {%- if not loop.last %},{% endif %}
    {% endfor %}
{%- endmacro %}
