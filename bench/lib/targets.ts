/**
 * The ratios and their targets (the figures 2–8), made only from figures measured in the
 * same process run. Sections run in rounds (run i of every section, then run i + 1), so a ratio
 * is PAIRED: numerator and denominator of the same round, measured minutes apart under the same
 * load; the value is the median of the per-round ratios (min and max kept in `range`). When the
 * two series differ in length (a section failed mid-way) it falls back to the ratio of medians.
 * Each time ratio also carries the same over CPU time (user + system of the process tree), which
 * drifts less than wall time when other work shares the machine.
 */
import type { BenchResults, Metric, SectionName, TargetCheck } from './results.js';
import { summarize } from './stats.js';

/** Median (min, max) of per-round ratios a[i] / b[i]; the ratio of medians if not paired. */
export function pairedRatio(
  a: Metric | undefined,
  b: Metric | undefined,
): { median: number; min: number; max: number } | undefined {
  if (!a || !b) return undefined;
  const x = a.stats.values;
  const y = b.stats.values;
  if (x.length > 0 && x.length === y.length && y.every((v) => v > 0)) {
    const { median, min, max } = summarize(x.map((v, i) => v / y[i]!));
    return { median, min, max };
  }
  if (!(b.stats.median > 0)) return undefined;
  const r = a.stats.median / b.stats.median;
  return { median: r, min: r, max: r };
}

export function computeTargets(sections: BenchResults['sections'], scale: number): TargetCheck[] {
  const median = (section: SectionName, name: string): number | undefined =>
    sections[section]?.metrics[name]?.stats.median;
  const metricOf = (section: SectionName, name: string) => sections[section]?.metrics[name];
  const round4 = (x: number) => Number(x.toPrecision(4));
  /** fullSeconds → fullCpuSeconds, seconds → cpuSeconds */
  const cpuName = (name: string) =>
    name === 'seconds' ? 'cpuSeconds' : name.replace(/Seconds$/, 'CpuSeconds');
  const finite = (x: number | undefined | null): x is number => typeof x === 'number' && Number.isFinite(x);
  type Spec = Omit<TargetCheck, 'value' | 'met' | 'cpuValue' | 'unit' | 'range'> & {
    unit?: TargetCheck['unit'];
  };
  const check = (
    target: Spec,
    value: number | undefined,
    extra: { cpuValue?: number; range?: [number, number] } = {},
  ): TargetCheck => ({
    ...target,
    unit: target.unit ?? 'x',
    value: finite(value) ? round4(value) : null,
    ...(extra.range && finite(value) ? { range: [round4(extra.range[0]), round4(extra.range[1])] } : {}),
    ...(finite(extra.cpuValue) ? { cpuValue: round4(extra.cpuValue) } : {}),
    met: finite(value) && target.limit !== null ? value <= target.limit : null,
  });
  /** paired wall-time ratio of two seconds metrics, with the paired CPU-time ratio beside it */
  const timeRatio = (target: Spec, [sa, a]: [SectionName, string], [sb, b]: [SectionName, string]) => {
    const wall = pairedRatio(metricOf(sa, a), metricOf(sb, b));
    const cpu = pairedRatio(metricOf(sa, cpuName(a)), metricOf(sb, cpuName(b)));
    return check(target, wall?.median, {
      ...(wall ? { range: [wall.min, wall.max] as [number, number] } : {}),
      ...(cpu ? { cpuValue: cpu.median } : {}),
    });
  };
  const onlyAtScale = scale === 1 ? 'only with --scale 10' : undefined;
  return [
    timeRatio(
      {
        figure: 2,
        id: 'build-vs-floor',
        label: 'mdw build (with tests) vs floor',
        limit: null,
        basis: 'of floor',
      },
      ['build', 'fullSeconds'],
      ['floor', 'seconds'],
    ),
    timeRatio(
      {
        figure: 2,
        id: 'models-vs-floor',
        label: 'mdw build, no tests vs floor',
        limit: 1.2,
        basis: 'of floor',
      },
      ['build', 'modelsSeconds'],
      ['floor', 'seconds'],
    ),
    timeRatio(
      { figure: 3, id: 'mdw-vs-dbt', label: 'mdw build vs dbt build', limit: 1.0, basis: 'mdw / dbt' },
      ['build', 'fullSeconds'],
      ['peer', 'dbtSeconds'],
    ),
    timeRatio(
      { figure: 4, id: 'ls-warm', label: 'mdw ls vs dbt ls, warm', limit: 0.15, basis: 'of dbt ls' },
      ['startup', 'mdwWarmSeconds'],
      ['startup', 'dbtWarmSeconds'],
    ),
    timeRatio(
      { figure: 4, id: 'ls-cold', label: 'mdw ls vs dbt ls, cold', limit: null, basis: 'of dbt ls' },
      ['startup', 'mdwColdSeconds'],
      ['startup', 'dbtColdSeconds'],
    ),
    timeRatio(
      {
        figure: 5,
        id: 'incremental-vs-full',
        label: 'incremental build vs full build',
        // the issue: ≤ 0.05× at scale 1, ≤ 0.02× at scale 10 (an added day is a smaller share)
        limit: scale >= 10 ? 0.02 : 0.05,
        basis: 'of full',
      },
      ['incremental', 'incrementalSeconds'],
      ['incremental', 'fullSeconds'],
    ),
    check(
      {
        figure: 5,
        id: 'incremental-raw-sales-read',
        label: 'raw sales rows read by the added day vs rows of that day',
        limit: 2,
        basis: "of the day's rows",
      },
      median('incremental', 'rawSalesReadRatio'),
    ),
    check(
      {
        figure: 6,
        id: 'scale-peak-rss',
        label: 'peak RSS of the full build at scale 10',
        limit: 6 * 2 ** 30,
        unit: 'bytes',
        basis: '',
        ...(onlyAtScale ? { note: onlyAtScale } : {}),
      },
      scale === 1 ? undefined : median('scale', 'peakRss'),
    ),
    check(
      {
        figure: 6,
        id: 'scale-linearity',
        label: 's per M sales rows, scale 10 vs scale 1',
        limit: 1.3,
        basis: 'of scale 1',
        ...(onlyAtScale ? { note: onlyAtScale } : {}),
      },
      scale === 1
        ? undefined
        : pairedRatio(metricOf('scale', 'secondsPerMillion'), metricOf('scale', 'baseSecondsPerMillion'))
            ?.median,
    ),
    timeRatio(
      {
        figure: 8,
        id: 'iceberg-vs-parquet',
        label: 'Iceberg table write vs the same Parquet without metadata',
        limit: 1.1,
        basis: 'of matched Parquet',
      },
      ['iceberg', 'icebergSeconds'],
      ['iceberg', 'parquetMatchedSeconds'],
    ),
  ];
}
