{#
    F12 sales velocity, expected revenue per day, at any grain:
    open opportunities x win rate (won / (won + lost)) x average won amount
    (won amount / won count) / average days to win. Null when any part is.
#}
{% macro sales_velocity(open_opportunities, won_count, lost_count, won_amount, average_days_to_win) -%}
    {{ numeric_from_double(
        'cast(' ~ open_opportunities ~ ' as ' ~ type_double() ~ ')'
        ~ ' * cast(' ~ safe_divide(won_count, won_count ~ ' + ' ~ lost_count) ~ ' as ' ~ type_double() ~ ')'
        ~ ' * cast(' ~ safe_divide(won_amount, won_count) ~ ' as ' ~ type_double() ~ ')'
        ~ ' / nullif(cast(' ~ average_days_to_win ~ ' as ' ~ type_double() ~ '), 0)'
    ) }}
{%- endmacro %}
