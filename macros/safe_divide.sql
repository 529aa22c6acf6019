{#
    numerator / denominator as a decimal fraction (the type of dbt.type_numeric
    on every engine), null when the denominator is zero or null: the
    catalogue's rule for rates is null, not 0 and not an error.
#}
{% macro safe_divide(numerator, denominator) -%}
    cast(cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif({{ denominator }}, 0) as {{ dbt.type_numeric() }})
{%- endmacro %}
