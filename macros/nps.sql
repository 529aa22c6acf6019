{#
    C7 Net Promoter Score from counts: 100 x (promoters - detractors) / responses
    with a score. Responses without a score are not in the denominator; with
    no scored response the score is null.
#}
{% macro nps(promoters, detractors, scored_responses) -%}
    cast(100.0 * ({{ promoters }} - {{ detractors }}) / nullif({{ scored_responses }}, 0) as {{ dbt.type_numeric() }})
{%- endmacro %}

{#- The counts every NPS mart carries, summed from fct_nps_responses or a finer mart's counts. -#}
{% macro nps_counts(relation_alias='', summed=false) -%}
    {%- set p = relation_alias ~ '.' if relation_alias else '' -%}
    {%- if summed -%}
        cast(sum({{ p }}responses) as {{ dbt.type_int() }}) as responses,
        cast(sum({{ p }}scored_responses) as {{ dbt.type_int() }}) as scored_responses,
        cast(sum({{ p }}unscored_responses) as {{ dbt.type_int() }}) as unscored_responses,
        cast(sum({{ p }}promoters) as {{ dbt.type_int() }}) as promoters,
        cast(sum({{ p }}passives) as {{ dbt.type_int() }}) as passives,
        cast(sum({{ p }}detractors) as {{ dbt.type_int() }}) as detractors,
        {{ nps('sum(' ~ p ~ 'promoters)', 'sum(' ~ p ~ 'detractors)', 'sum(' ~ p ~ 'scored_responses)') }} as nps
    {%- else -%}
        cast(count(*) as {{ dbt.type_int() }}) as responses,
        cast(sum(case when {{ p }}score is not null then 1 else 0 end) as {{ dbt.type_int() }}) as scored_responses,
        cast(sum(case when {{ p }}score is null then 1 else 0 end) as {{ dbt.type_int() }}) as unscored_responses,
        cast(sum(case when {{ p }}nps_category = 'promoter' then 1 else 0 end) as {{ dbt.type_int() }}) as promoters,
        cast(sum(case when {{ p }}nps_category = 'passive' then 1 else 0 end) as {{ dbt.type_int() }}) as passives,
        cast(sum(case when {{ p }}nps_category = 'detractor' then 1 else 0 end) as {{ dbt.type_int() }}) as detractors,
        {{ nps(
            "sum(case when " ~ p ~ "nps_category = 'promoter' then 1 else 0 end)",
            "sum(case when " ~ p ~ "nps_category = 'detractor' then 1 else 0 end)",
            "sum(case when " ~ p ~ "score is not null then 1 else 0 end)"
        ) }} as nps
    {%- endif -%}
{%- endmacro %}
