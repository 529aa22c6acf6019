{#
    Seeds on Spark. The seed YAML types text columns `varchar`, which DuckDB and
    PostgreSQL read as unbounded text; Spark wants a length for varchar and calls
    unbounded text `string`. These are dbt-spark's spark__create_csv_table and
    spark__load_csv_rows (dbt-spark 1.11, materializations/seed.sql) reading the
    column types through spark_seed_column_types; dbt picks the root project's
    spark__ macros before the adapter's.
#}
{% macro spark_seed_column_types(model) %}
    {%- set translated = {} -%}
    {%- for name, type in model['config'].get('column_types', {}).items() -%}
        {%- do translated.update({name: 'string' if type | lower == 'varchar' else type}) -%}
    {%- endfor -%}
    {{ return(translated) }}
{% endmacro %}

{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = spark_seed_column_types(model) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}

    {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = column_override.get(col_name, inferred_type) -%}
            {%- set column_name = (col_name | string) -%}
            {{ adapter.quote_seed_column(column_name, quote_seed_column) }} {{ type }} {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {{ partition_cols(label="partitioned by") }}
    {{ clustered_cols(label="clustered by") }}
    {{ location_clause() }}
    {{ comment_clause() }}
    {% endset %}

    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}

    {{ return(sql) }}
{% endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = spark_seed_column_types(model) %}
    {% set statements = [] %}

    {% for chunk in agate_table.rows | batch(batch_size) %}
        {#- an empty cell is the literal null, not a binding: dbt-spark's session cursor renders a None
            binding as the string 'None' (SessionConnectionWrapper._fix_binding: f"'{value}'"), which the
            cross-engine comparison found in every null text column of the seeds -#}
        {% set bindings = [] %}
        {% for row in chunk %}
            {% for value in row if value is not none %}
                {% do bindings.append(value) %}
            {% endfor %}
        {% endfor %}

        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    {%- if row[loop.index0] is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast({{ get_binding_char() }} as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %},{%- endif %}
                {%- endfor -%})
                {%- if not loop.last %},{%- endif %}
            {%- endfor %}
        {% endset %}

        {% do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}

    {{ return(statements[0]) }}
{% endmacro %}
