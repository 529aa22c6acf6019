{#
    The one definition of "a win that counts": an opportunity won, not
    soft-deleted, and closed on or before the as-of date. A where-clause
    condition on fct_opportunities columns, used by every model that counts
    wins as purchases (customer spells, ACV, profitability, line items, ramp).
#}
{% macro is_won_by_as_of() -%}
    is_won
    and not is_deleted
    and close_date <= (select as_of.as_of_date from {{ ref('int_export_as_of_date') }} as as_of)
{%- endmacro %}
