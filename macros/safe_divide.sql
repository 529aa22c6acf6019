{#
    numerator / denominator as a decimal fraction (the type of dbt.type_numeric
    on every engine), null when the denominator is zero or null: the
    catalogue's rule for rates is null, not 0 and not an error. The division
    runs in double precision on every engine (macros/type_double.sql).
#}
{% macro safe_divide(numerator, denominator) -%}
    {{ numeric_from_double(
        'cast(cast(' ~ numerator ~ ' as ' ~ dbt.type_numeric() ~ ') as ' ~ type_double() ~ ')'
        ~ ' / nullif(cast(' ~ denominator ~ ' as ' ~ type_double() ~ '), 0)'
    ) }}
{%- endmacro %}
