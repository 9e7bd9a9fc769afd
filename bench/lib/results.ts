/**
 * The results file (bench/results/<YYYY-MM-DD>-<scale>.json) and the table derived from it.
 * run.js writes it and prints the table; report.js prints the same table as markdown.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stats } from './stats.js';

export const SECTION_NAMES = [
  'floor',
  'build',
  'peer',
  'startup',
  'incremental',
  'scale',
  'generator',
  'iceberg',
  'trino',
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** The numbering of the figures. */
export const FIGURE_NUMBER: Record<SectionName, number> = {
  floor: 1,
  build: 2,
  peer: 3,
  startup: 4,
  incremental: 5,
  scale: 6,
  generator: 7,
  iceberg: 8,
  trino: 9,
};

export interface Metric {
  label: string;
  unit: 's' | 'bytes' | 'rows' | 'rows/s' | 'MB/s' | 's/M rows' | 'ratio' | 'load';
  stats: Stats;
}

export interface SectionResult {
  status: 'ok' | 'skipped' | 'not available' | 'failed';
  /** why skipped / not available / failed, or a remark */
  note?: string;
  /** named figures of the section (medians of the runs, with min and max) */
  metrics: Record<string, Metric>;
  /** small supporting data: per-node medians, commands, row counts */
  details?: Record<string, unknown>;
}

export interface TargetCheck {
  figure: number;
  id: string;
  label: string;
  /** measured value (a ratio, or bytes for the memory target); null when not measured */
  value: number | null;
  /** min and max of the per-round ratios (value is their median) */
  range?: [number, number];
  /** the same ratio over CPU time (user + system): steadier than wall time on a busy machine */
  cpuValue?: number | null;
  /** the target; null for a ratio reported for information only */
  limit: number | null;
  unit: 'x' | 'bytes';
  met: boolean | null;
  /** how the ratio is made, shown after the value (e.g. "of the floor") */
  basis: string;
  /** why there is no value */
  note?: string;
}

export interface BenchResults {
  version: 1;
  date: string;
  startedAt: string;
  finishedAt: string;
  commit: string | null;
  scale: number;
  runs: number;
  /** null for a full run; the sections asked for with --only otherwise */
  only: SectionName[] | null;
  machine: Record<string, unknown>;
  data: Record<string, unknown>;
  sections: Partial<Record<SectionName, SectionResult>>;
  targets: TargetCheck[];
}

export function resultsFileName(date: string, scale: number, only: SectionName[] | null): string {
  return only ? `${date}-${scale}-only-${only.join('-')}.json` : `${date}-${scale}.json`;
}

/** Written through a .tmp file (ignored by git) and renamed: never a half-written results file. */
export function writeResults(dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, resultsFileName(results.date, results.scale, results.only));
  writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** The newest complete (not --only) results file of a folder, optionally of one scale. */
export function latestResultsFile(dir: string, scale?: number): string | null {
  if (!existsSync(dir)) return null;
  const candidates = readdirSync(dir)
    .filter((name) => /^\d{4}-\d{2}-\d{2}-[\d.]+\.json$/.test(name))
    .map((name) => ({ name, results: JSON.parse(readFileSync(join(dir, name), 'utf8')) as BenchResults }))
    .filter((c) => scale === undefined || c.results.scale === scale)
    .sort((a, b) => a.results.finishedAt.localeCompare(b.results.finishedAt));
  const last = candidates.at(-1);
  return last ? join(dir, last.name) : null;
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function formatValue(value: number, unit: Metric['unit'] | TargetCheck['unit']): string {
  switch (unit) {
    case 's':
      return value >= 100
        ? `${value.toFixed(0)} s`
        : value >= 10
          ? `${value.toFixed(1)} s`
          : `${value.toFixed(2)} s`;
    case 'bytes':
      return value >= 2 ** 30 ? `${(value / 2 ** 30).toFixed(2)} GiB` : `${(value / 2 ** 20).toFixed(0)} MiB`;
    case 'rows':
      return `${Math.round(value).toLocaleString('en-US')} rows`;
    case 'rows/s':
      return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M rows/s` : `${(value / 1e3).toFixed(1)} k rows/s`;
    case 'MB/s':
      return `${value.toFixed(0)} MB/s`;
    case 's/M rows':
      return `${value.toFixed(2)} s/M rows`;
    case 'load':
      return value.toFixed(2);
    case 'ratio':
    case 'x':
      return value < 0.1 ? `${value.toFixed(3)}×` : `${value.toFixed(2)}×`;
  }
}

/** "61.2 – 64.0 s": the unit once when both ends share it. */
function spread(metric: Metric): string {
  const low = formatValue(metric.stats.min, metric.unit);
  const high = formatValue(metric.stats.max, metric.unit);
  const unit = / [^\d\s.]+( rows(\/s)?)?$|×$/.exec(low)?.[0];
  return unit && high.endsWith(unit) ? `${low.slice(0, -unit.length)} – ${high}` : `${low} – ${high}`;
}

export interface TableRow {
  figure: string;
  label: string;
  median: string;
  range: string;
  peak: string;
  ratio: string;
  target: string;
  verdict: string;
}

/** Which metrics make the table, per section, and which targets go on which row. */
const ROWS: Record<SectionName, { metric: string; peak?: string; target?: string }[]> = {
  floor: [{ metric: 'seconds', peak: 'peakRss' }],
  build: [
    { metric: 'fullSeconds', peak: 'fullPeakRss', target: 'build-vs-floor' },
    { metric: 'modelsSeconds', peak: 'modelsPeakRss', target: 'models-vs-floor' },
  ],
  peer: [{ metric: 'dbtSeconds', peak: 'dbtPeakRss', target: 'mdw-vs-dbt' }],
  startup: [
    { metric: 'mdwWarmSeconds', peak: 'mdwWarmPeakRss', target: 'ls-warm' },
    { metric: 'dbtWarmSeconds', peak: 'dbtWarmPeakRss' },
    { metric: 'mdwColdSeconds', target: 'ls-cold' },
    { metric: 'dbtColdSeconds' },
  ],
  incremental: [
    { metric: 'fullSeconds', peak: 'fullPeakRss' },
    { metric: 'appendSeconds' },
    { metric: 'incrementalSeconds', peak: 'incrementalPeakRss', target: 'incremental-vs-full' },
  ],
  scale: [
    { metric: 'peakRss', target: 'scale-peak-rss' },
    { metric: 'secondsPerMillion', target: 'scale-linearity' },
    { metric: 'baseSecondsPerMillion' },
  ],
  generator: [{ metric: 'seconds', peak: 'peakRss' }, { metric: 'salesRowsPerSecond' }],
  iceberg: [
    { metric: 'parquetSeconds', peak: 'parquetProcessPeakRss' },
    { metric: 'parquetMatchedSeconds', peak: 'parquetMatchedProcessPeakRss' },
    { metric: 'icebergSeconds', peak: 'icebergProcessPeakRss', target: 'iceberg-vs-parquet' },
  ],
  trino: [{ metric: 'fullSeconds', peak: 'fullPeakRss' }],
};

export function tableRows(results: BenchResults): TableRow[] {
  const rows: TableRow[] = [];
  const targets = new Map(results.targets.map((t) => [t.id, t]));
  for (const name of SECTION_NAMES) {
    const section = results.sections[name];
    const figure = String(FIGURE_NUMBER[name]);
    if (!section) continue;
    let shown = 0;
    for (const spec of ROWS[name]) {
      const metric = section.metrics[spec.metric];
      if (!metric) continue;
      const peak = spec.peak ? section.metrics[spec.peak] : undefined;
      const target = spec.target ? targets.get(spec.target) : undefined;
      rows.push({
        figure,
        label: metric.label,
        median: formatValue(metric.stats.median, metric.unit),
        range: spread(metric),
        peak: peak ? formatValue(peak.stats.median, peak.unit) : '',
        ratio: ratioText(target),
        target: limitText(target),
        verdict: target ? verdict(target) : '',
      });
      shown++;
    }
    // A target whose row has no metric (e.g. Iceberg not available) still gets a line.
    for (const spec of ROWS[name]) {
      const target = spec.target ? targets.get(spec.target) : undefined;
      if (!target || section.metrics[spec.metric]) continue;
      rows.push({
        figure,
        label: target.label,
        median: '',
        range: '',
        peak: '',
        ratio: '',
        target: limitText(target),
        verdict: verdict(target),
      });
      shown++;
    }
    if (shown === 0 || section.status !== 'ok') {
      rows.push({
        figure,
        label: `${name}: ${section.status}`,
        median: '',
        range: '',
        peak: '',
        ratio: '',
        target: '',
        verdict: section.note ?? '',
      });
    }
  }
  return rows;
}

function ratioText(target: TargetCheck | undefined): string {
  if (!target || target.value === null) return '';
  const range =
    target.range && target.range[0] !== target.range[1]
      ? ` [${target.range.map((v) => formatValue(v, target.unit).replace('×', '')).join('–')}]`
      : '';
  const cpu = typeof target.cpuValue === 'number' ? `; CPU ${formatValue(target.cpuValue, target.unit)}` : '';
  return `${formatValue(target.value, target.unit)}${range} ${target.basis}${cpu}`
    .replace(/\s+/g, ' ')
    .trim();
}

function limitText(target: TargetCheck | undefined): string {
  return target && target.limit !== null ? `≤ ${formatValue(target.limit, target.unit)}` : '';
}

function verdict(target: TargetCheck): string {
  if (target.limit === null) return '';
  if (target.met === null || target.value === null) return target.note ?? 'not measured';
  const by = target.value / target.limit - 1;
  if (target.met) return `met (${(-by * 100).toFixed(0)} % margin)`;
  return by >= 1 ? `MISSED (${(by + 1).toFixed(1)}× the target)` : `MISSED by ${(by * 100).toFixed(0)} %`;
}

const HEADERS = ['#', 'figure', 'median', 'min – max', 'peak RSS', 'ratio', 'target', 'verdict'];

function cells(row: TableRow): string[] {
  return [row.figure, row.label, row.median, row.range, row.peak, row.ratio, row.target, row.verdict];
}

export function markdownTable(results: BenchResults): string {
  const escapePipes = (s: string) => s.replaceAll('|', '\\|');
  const lines = [
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map((_, i) => (i === 0 || (i >= 2 && i <= 4) ? '--:' : '---')).join('|')}|`,
    ...tableRows(results).map((row) => `| ${cells(row).map(escapePipes).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function textTable(results: BenchResults): string {
  const all = [HEADERS, ...tableRows(results).map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all
    .map((r, index) => {
      const line = r
        .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ');
      return index === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export function headline(results: BenchResults): string {
  const m = results.machine;
  return (
    `mdw bench — scale ${results.scale}, ${results.runs} run(s) each, ${results.date}, commit ${results.commit ?? '?'}` +
    `\n${m.cpus} CPU (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, DuckDB ${m.duckdb}` +
    (m.dbt ? `, ${m.dbt}` : '') +
    `\nevery figure: median of the runs (min – max); ratios: median [min–max] of the per-round ratios of this process run, and the same over CPU time`
  );
}
