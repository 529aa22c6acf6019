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

{#
    Loading the rows. dbt-spark inserts a seed as batched `insert ... values`
    statements that Spark parses row by row (6 min for the ~100k rows of the
    sample export). With a local session (profile `method: session`) the seed
    file is on the Spark driver's disk, so Spark's own CSV reader reads it
    instead (var spark_seed_loader: 'csv_reader', the default), as text, and one `insert ... select` casts each column to the seed's
    type as dbt's other adapters do with what dbt's CSV reader (agate) gives them:
    a field that is empty or `null` once trimmed (any case) is null, a quoted
    field keeps its commas, quotes ("" inside quotes) and line breaks. The row
    count Spark read must equal the one dbt read, or the seed fails. On a
    cluster (thrift, http, odbc) the file is not on the driver's disk: there
    `--vars '{spark_seed_loader: values}'` loads it with dbt-spark's batched
    inserts (spark_seed_load_csv_rows_as_values). dbt's `target` does not
    show the connection method, hence the var.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set loader = var('spark_seed_loader', 'csv_reader') -%}
    {%- if loader == 'values' -%}
        {{ return(spark_seed_load_csv_rows_as_values(model, agate_table)) }}
    {%- elif loader != 'csv_reader' -%}
        {{ exceptions.raise_compiler_error(
            "var spark_seed_loader is '" ~ loader ~ "': expected 'csv_reader' or 'values'"
        ) }}
    {%- endif -%}
    {%- set column_override = spark_seed_column_types(model) -%}
    {%- set csv_path = (model['root_path'] ~ '/' ~ model['original_file_path']) | replace("\\", "/") -%}
    {%- set csv_view = 'seed_csv__' ~ model['alias'] -%}
    {%- set delimiter = model['config'].get('delimiter', ',') -%}

    {% set view_sql %}
        create or replace temporary view {{ csv_view }}
        using csv
        options (
            path '{{ csv_path | replace("'", "\\'") }}',
            header 'true',
            inferSchema 'false',
            sep '{{ delimiter | replace("'", "\\'") }}',
            quote '"',
            escape '"',
            multiLine 'true',
            encoding 'UTF-8',
            mode 'FAILFAST'
        )
    {% endset %}
    {% call statement('_') -%}{{ view_sql }}{%- endcall %}

    {%- set spark_rows = run_query('select count(*) from ' ~ csv_view).columns[0].values()[0] -%}
    {%- if spark_rows != (agate_table.rows | length) -%}
        {{ exceptions.raise_compiler_error(
            'Seed ' ~ model['name'] ~ ': Spark read ' ~ spark_rows ~ ' rows from ' ~ csv_path
            ~ ' but dbt read ' ~ (agate_table.rows | length) ~ '; not loaded.'
        ) }}
    {%- endif -%}

    {% set sql %}
        insert into {{ this.render() }}
        select
        {%- for col_name in agate_table.column_names %}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = column_override.get(col_name, inferred_type) -%}
            {%- set csv_column = '`' ~ (col_name | string | replace('`', '``')) ~ '`' %}
            cast(
                case when lower(trim({{ csv_column }})) not in ('', 'null') then {{ csv_column }} end
                as {{ type }}
            ){%- if not loop.last %},{% endif %}
        {%- endfor %}
        from {{ csv_view }}
    {% endset %}
    {% call statement('_') -%}{{ sql }}{%- endcall %}
    {% call statement('_') -%}drop view if exists {{ csv_view }}{%- endcall %}

    {{ return(sql) }}
{% endmacro %}

{% macro spark_seed_load_csv_rows_as_values(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = spark_seed_column_types(model) %}
    {% set statements = [] %}

    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set bindings = [] %}
        {% for row in chunk %}
            {% do bindings.extend(row) %}
        {% endfor %}

        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ get_binding_char() }} as {{ type }})
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
