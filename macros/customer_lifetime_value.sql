{#
    C2 from the counts of a CTE (won_count, won_amount, buying_customers,
    customers_at_start, retained_customers, one row per key): the one
    definition that the CLV marts of every segment kind use. Lifetime comes
    from the counts, not the rounded rates; no churn, or churn below
    1 / var max_customer_lifetime_years: the cap.
#}
{% macro customer_lifetime_value(counts, key_columns) -%}
    {%- set cap = var('max_customer_lifetime_years') -%}
    select
        {% for column in key_columns %}{{ column }},
        {% endfor -%}
        cast(won_count as {{ dbt.type_int() }}) as won_count,
        cast(won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(buying_customers as {{ dbt.type_int() }}) as buying_customers,
        cast(customers_at_start as {{ dbt.type_int() }}) as customers_at_start,
        cast(retained_customers as {{ dbt.type_int() }}) as retained_customers,
        {{ safe_divide('won_amount', 'won_count') }} as average_purchase_value,
        {{ safe_divide('won_count', 'buying_customers') }} as purchase_frequency,
        -- C3's churn over the trailing 12 months, with C3's formula (macro customer_retention)
        {{ customer_churn_rate() }} as annual_churn_rate,
        cast(lifetime_years as {{ dbt.type_numeric() }}) as customer_lifetime_years,
        -- value x frequency = won_amount / buying_customers; multiplied before dividing, so no engine rounds the quotient first
        cast(
            1.0 * won_amount * lifetime_years / nullif(buying_customers, 0)
            as {{ dbt.type_numeric() }}
        ) as customer_lifetime_value
    from (
        select
            *,
            case
                when customers_at_start = 0 then null
                when (customers_at_start - retained_customers) * {{ cap }} <= customers_at_start
                    then {{ cap }}
                else 1.0 * customers_at_start / (customers_at_start - retained_customers)
            end as lifetime_years
        from {{ counts }}
    ) as lifetimes
{%- endmacro %}
