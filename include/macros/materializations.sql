{#- What custom materializations (`{% materialization %}` in a project or package) call: the
    relation helpers, DDL and hooks of dbt's materialization API, on plain DuckDB objects. -#}

{% macro run_hooks(hooks, inside_transaction=True) -%}
  {%- for hook in hooks | selectattr('transaction', 'equalto', inside_transaction) -%}
    {%- set rendered = render(hook.get('sql')) | trim -%}
    {%- if rendered | length > 0 -%}
      {%- call statement(auto_begin=inside_transaction) -%}{{ rendered }}{%- endcall -%}
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{% macro should_full_refresh() -%}
  {%- set config_full_refresh = config.get('full_refresh') -%}
  {%- if config_full_refresh is none -%}{%- set config_full_refresh = flags.FULL_REFRESH -%}{%- endif -%}
  {{ return(config_full_refresh) }}
{%- endmacro %}

{% macro make_temp_relation(base_relation, suffix='__dbt_tmp') -%}
  {{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix})) }}
{%- endmacro %}

{% macro make_intermediate_relation(base_relation, suffix='__dbt_tmp') -%}
  {{ return(make_temp_relation(base_relation, suffix)) }}
{%- endmacro %}

{% macro make_backup_relation(base_relation, backup_relation_type, suffix='__dbt_backup') -%}
  {%- set backup = base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix}) -%}
  {{ return(backup.incorporate(type=backup_relation_type)) }}
{%- endmacro %}

{% macro load_cached_relation(relation) -%}
  {{ return(load_relation(relation)) }}
{%- endmacro %}

{% macro drop_relation_if_exists(relation) -%}
  {%- if relation is not none -%}{%- do adapter.drop_relation(relation) -%}{%- endif -%}
{%- endmacro %}

{% macro get_create_table_as_sql(temporary, relation, sql) -%}
  {{ return(create_table_as(temporary, relation, sql)) }}
{%- endmacro %}

{% macro create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {%- if not temporary -%}{%- do adapter.create_schema(relation) -%}{%- endif -%}
  create {% if temporary %}temporary {% endif %}table {{ relation.include(database=(not temporary), schema=(not temporary)) }} as (
    {{ compiled_code }}
  );
{%- endmacro %}

{% macro get_create_view_as_sql(relation, sql) -%}
  {{ return(create_view_as(relation, sql)) }}
{%- endmacro %}

{% macro create_view_as(relation, sql) -%}
  {%- do adapter.create_schema(relation) -%}
  create view {{ relation }} as (
    {{ sql }}
  );
{%- endmacro %}

{#- Docs and grants live in the warehouse's catalog; plain DuckDB objects keep neither. -#}
{% macro persist_docs(relation, model, for_relation=true, for_columns=true) -%}{%- endmacro %}
{% macro apply_grants(relation, grant_config, should_revoke=True) -%}{%- endmacro %}
{% macro should_revoke(existing_relation, full_refresh_mode=True) -%}
  {{ return(false) }}
{%- endmacro %}
