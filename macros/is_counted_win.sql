{#
    The one definition of "a win that counts": an opportunity won and not
    soft-deleted. The as-of cut is already made where facts enter the
    intermediate layer (models/intermediate/as_of/): an opportunity won after
    the as-of date is open there. A where-clause condition on fct_opportunities
    columns, used by every model that counts wins as purchases (customer spells,
    ACV, profitability, line items, ramp).
#}
{% macro is_counted_win() -%}
    is_won and not is_deleted
{%- endmacro %}
