{#
    Incremental large facts (int_activities_enriched, int_opportunity_stage_transitions,
    int_opportunity_snapshots): on an incremental run they recompute only the rows whose
    record entered the CRM (CreatedDate) within var('incremental_lookback_days') days
    before the latest one the table already holds, plus what each model lists. What a
    lookback cannot see is in the README ("Incremental builds"); scripts/build.py
    rebuilds in full when it can tell (reference seeds or models changed, as-of date
    moved backwards).
#}
{% macro incremental_cutoff(timestamp_column) -%}
    (
        select {{ dbt.dateadd('day', -1 * var('incremental_lookback_days'), 'cast(max(' ~ timestamp_column ~ ') as date)') }}
        from {{ this }}
    )
{%- endmacro %}

{#
    How the three incremental facts are materialized on each engine. Spark keeps
    its tables as Parquet files, which take neither dbt-spark's delete+insert
    strategy nor the post-hooks' `delete from`; there they are full tables,
    rebuilt each run (README, "Outgrowing one machine"). Their post-hooks run only on
    an incremental run (is_incremental()), where a full build has nothing to delete.
#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
