{#
    The one C3 retention rule (kpis.md), for the periods of a CTE: one row per
    period (ending by the as-of date) and customer active on its first day
    (int_customer_active_spells), with is_retained = also active on its last
    day (any spell covers it). A customer who lapses during the period and
    buys again before it ends is retained: "active at the start and still
    active at the end". The period's own columns come first.
#}
{% macro customer_retention(periods, start_column, end_column) -%}
    select
        {{ periods }}.*,
        spells.account_id,
        end_spells.account_id is not null as is_retained
    from {{ periods }}
    inner join {{ ref('int_customer_active_spells') }} as spells
        on
            {{ periods }}.{{ start_column }} >= spells.active_from
            and {{ periods }}.{{ start_column }} < spells.active_until
    -- spells of one account never overlap: at most one covers the last day
    left join {{ ref('int_customer_active_spells') }} as end_spells
        on
            spells.account_id = end_spells.account_id
            and {{ periods }}.{{ end_column }} >= end_spells.active_from
            and {{ periods }}.{{ end_column }} < end_spells.active_until
    where
        {{ periods }}.{{ end_column }}
        <= (select as_of.as_of_date from {{ ref('int_export_as_of_date') }} as as_of)
{%- endmacro %}


{#
    C3's rates from a row's customers_at_start and retained_customers: the
    one definition the segment marts of every period grain use.
#}
{% macro customer_retention_rates() -%}
        cast(customers_at_start as {{ dbt.type_int() }}) as customers_at_start,
        cast(retained_customers as {{ dbt.type_int() }}) as retained_customers,
        cast(customers_at_start - retained_customers as {{ dbt.type_int() }}) as churned_customers,
        {{ safe_divide('retained_customers', 'customers_at_start') }} as retention_rate,
        {{ customer_churn_rate() }} as churn_rate
{%- endmacro %}


{#
    C3's churn rate, 1 - retention: the one formula, which C2's lifetime
    (macro customer_lifetime_value) uses too, as its annual churn.
#}
{% macro customer_churn_rate() -%}
    {{ safe_divide('customers_at_start - retained_customers', 'customers_at_start') }}
{%- endmacro %}
