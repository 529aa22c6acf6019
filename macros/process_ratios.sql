{#
    A3's ratios from the counts of a row (prospects, activities, visits,
    quotes_closed, quotes_won, orders, won_amount): the one definition that the
    rep table and the team table, which adds up the rep counts, both use.
#}
{% macro process_ratios() -%}
        {{ safe_divide('prospects', 'orders') }} as prospects_per_order,
        {{ safe_divide('activities', 'orders') }} as activities_per_order,
        {{ safe_divide('visits', 'orders') }} as visits_per_order,
        {{ safe_divide('quotes_won', 'quotes_closed') }} as quote_to_order_conversion,
        {{ safe_divide('won_amount', 'orders') }} as average_order_size
{%- endmacro %}
