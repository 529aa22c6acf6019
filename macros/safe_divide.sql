{#
    numerator / denominator as a decimal fraction, null when the denominator
    is zero or null (the catalogue's rule for rates: null, not 0, not an error).
#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}
