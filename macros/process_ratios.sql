{#
    A3's ratios from the counts of a row (prospects, activities, visits,
    closed_after_quote, won_after_quote, orders, won_amount): the one definition that the
    rep table and the team table, which adds up the rep counts, both use.
#}
{% macro process_ratios() -%}
        {{ safe_divide('prospects', 'orders') }} as prospects_per_order,
        {{ safe_divide('activities', 'orders') }} as activities_per_order,
        {{ safe_divide('visits', 'orders') }} as visits_per_order,
        {{ safe_divide('won_after_quote', 'closed_after_quote') }} as quote_to_close_ratio,
        {{ safe_divide('won_amount', 'orders') }} as average_order_size
{%- endmacro %}
