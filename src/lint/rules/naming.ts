/** Naming rules: model names by layer, column names and the partition column. */
import type { AstNode } from '../parse.js';
import type { Finding } from '../types.js';
import type { ModelUnit } from '../unit.js';

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export function namingRules(unit: ModelUnit): Finding[] {
  const findings: Finding[] = [];
  const { name } = unit.node;
  const where = unit.configOffset();
  const folderLayer = unit.node.fqn.length > 2 ? unit.node.fqn[1] : undefined;
  const match = /^mdw_(raw|stg|std|cur)_([a-z0-9_]+)$/.exec(name);
  if (!match || !SNAKE_CASE.test(name)) {
    findings.push(
      unit.at(
        'N01',
        where,
        `model '${name}' is not named mdw_<layer>_<entity> (layer raw, stg, std or cur, snake_case).`,
      ),
    );
  } else if (folderLayer && unit.layer === folderLayer && match[1] !== folderLayer) {
    findings.push(
      unit.at(
        'N01',
        where,
        `model '${name}' is in the ${folderLayer} folder but named for the ${match[1]} layer.`,
      ),
    );
  }
  if (unit.layer === 'std' && !name.startsWith('mdw_std_dim_')) {
    findings.push(
      unit.at('N02', where, `standardized model '${name}' should be a dimension named mdw_std_dim_<entity>.`),
    );
  }
  const parsed = unit.parsed;
  if (unit.layer === 'cur' && parsed) {
    const aggregates = parsed.facts.groupBys.length > 0 || parsed.facts.aggregates.length > 0;
    if (name.startsWith('mdw_cur_ft_') && aggregates) {
      findings.push(
        unit.at(
          'N03',
          where,
          `'${name}' aggregates, so it is an aggregate: name it mdw_cur_<metric>, not mdw_cur_ft_*.`,
        ),
      );
    } else if (!name.startsWith('mdw_cur_ft_') && !aggregates) {
      findings.push(
        unit.at('N03', where, `'${name}' does not aggregate, so it is a fact: name it mdw_cur_ft_<entity>.`),
      );
    }
  }
  if (!parsed) return findings;
  for (const column of parsed.facts.output) {
    if (column.name === null) continue;
    if (!SNAKE_CASE.test(column.name)) {
      findings.push(unit.atCompiled('N04', column.offset, `column '${column.name}' is not snake_case.`));
      continue;
    }
    const suffix = suffixProblem(column.name, column.expression);
    if (suffix) findings.push(unit.atCompiled('N05', column.offset, suffix));
  }
  findings.push(...partitionRule(unit));
  return findings;
}

/** Casts tell a column's type without running the query: a date or timestamp cast names its suffix. */
function suffixProblem(name: string, expression: AstNode): string | undefined {
  if (name === 'id') return `column 'id' names no entity: call it <entity>_id.`;
  if (expression.class !== 'CAST') return undefined;
  const type = String((expression.cast_type as AstNode | undefined)?.id ?? '');
  if (type === 'DATE' && !name.endsWith('_date')) return `date column '${name}' should end in _date.`;
  if (type.startsWith('TIMESTAMP') && !name.endsWith('_at'))
    return `timestamp column '${name}' should end in _at.`;
  return undefined;
}

function partitionRule(unit: ModelUnit): Finding[] {
  const partitionBy = unit.node.config.partition_by;
  if (partitionBy === undefined || partitionBy === null) return [];
  const list = Array.isArray(partitionBy) ? partitionBy : [partitionBy];
  if (list.length !== 1 || list[0] !== 'partition') {
    return [
      unit.at(
        'N06',
        unit.configOffset(),
        `partition_by must be ['partition'], got ${JSON.stringify(partitionBy)}.`,
      ),
    ];
  }
  const output = unit.parsed!.facts.output;
  const index = output.findIndex((c) => c.name === 'partition');
  if (index < 0)
    return [
      unit.atCompiled(
        'N06',
        output.at(-1)?.offset,
        `the model partitions by 'partition' but selects no column of that name.`,
      ),
    ];
  const findings: Finding[] = [];
  if (index !== output.length - 1) {
    findings.push(
      unit.atCompiled(
        'N06',
        output[index]!.offset,
        `the partition column must be the last column of the SELECT.`,
      ),
    );
  }
  const format = formatString(output[index]!.expression);
  if (format !== undefined && format !== '%Y%m%d') {
    findings.push(
      unit.atCompiled(
        'N06',
        output[index]!.offset,
        `partition values must be YYYYMMDD ('%Y%m%d'), not '${format}'.`,
      ),
    );
  }
  return findings;
}

/** The format argument of strftime/date_format/format_datetime, when the expression is one. */
function formatString(expression: AstNode): string | undefined {
  if (expression.class !== 'FUNCTION') return undefined;
  if (!['strftime', 'date_format', 'format_datetime'].includes(String(expression.function_name)))
    return undefined;
  const args = (expression.children as AstNode[] | undefined) ?? [];
  const constant = args.find((a) => a.class === 'CONSTANT');
  const value = (constant?.value as AstNode | undefined)?.value;
  return typeof value === 'string' ? value : undefined;
}
