/**
 * What every section gets, and small helpers to turn runs into metrics.
 *
 * Sections run in rounds: run.ts calls every selected section's `start` (unmeasured set-up),
 * then for run = 1..N calls `once(run)` of every section in turn — so the i-th runs of the floor,
 * mdw, dbt, ... are taken minutes apart, under the same load of a shared machine, and the ratios
 * can be paired run by run — and finally `finish()` of each, in figure order.
 */
import { loadavg } from 'node:os';
import type { Measurement } from '../lib/measure.js';
import type { Metric, SectionName, SectionResult } from '../lib/results.js';
import { roundStats, summarize } from '../lib/stats.js';
import type { DataInfo, Logger, Workspace } from '../lib/workspace.js';

export interface BenchContext {
  ws: Workspace;
  scale: number;
  runs: number;
  /** 'dbt': run the dbt-core peer (sections 3 and 4) when its venv can be created */
  peer: 'dbt' | 'none';
  log: Logger;
  /** the landing at ctx.scale (generated once, unmeasured, unless section 7 made it) */
  data: () => Promise<DataInfo>;
  /** the sections of this process run */
  selected: SectionName[];
  /** the sections --only named (null: every section that runs by default) */
  only: SectionName[] | null;
  /** results of the sections finished so far (finish() runs in figure order) */
  done: Partial<Record<SectionName, SectionResult>>;
}

export interface SectionRun {
  /** one measured run of the section (run = 1..N) */
  once: (run: number) => Promise<void>;
  /** the section's result, after every round */
  finish: () => SectionResult | Promise<SectionResult>;
}

export interface Section {
  name: SectionName;
  /** unmeasured set-up; a SectionResult instead of a SectionRun when the section cannot run */
  start: (ctx: BenchContext) => Promise<SectionRun | SectionResult>;
}

export function metric(label: string, unit: Metric['unit'], values: number[]): Metric {
  return { label, unit, stats: roundStats(summarize(values)) };
}

/** A measured command's wall time, peak RSS and CPU time collected over the runs. */
export class Series {
  readonly seconds: number[] = [];
  readonly peakRss: number[] = [];
  readonly cpu: number[] = [];
  /** 1-minute load average when each run ended: how busy the shared machine was */
  readonly load: number[] = [];

  add(m: Measurement): Measurement {
    this.seconds.push(m.seconds);
    this.load.push(loadavg()[0] ?? 0);
    this.peakRss.push(m.peakRssBytes);
    if (m.cpuSeconds !== null) this.cpu.push(m.cpuSeconds);
    return m;
  }

  /** `<key>Seconds`, `<key>PeakRss`, `<key>CpuSeconds` (or seconds/peakRss/cpuSeconds for key ''). */
  metrics(key: string, label: string): Record<string, Metric> {
    const name = (suffix: string) =>
      key ? `${key}${suffix}` : suffix.charAt(0).toLowerCase() + suffix.slice(1);
    const out: Record<string, Metric> = {
      [name('Seconds')]: metric(label, 's', this.seconds),
      [name('PeakRss')]: metric(`${label}: peak RSS of the process tree`, 'bytes', this.peakRss),
    };
    if (this.cpu.length === this.seconds.length && this.cpu.length > 0) {
      out[name('CpuSeconds')] = metric(`${label}: CPU time (user + system)`, 's', this.cpu);
    }
    out[name('Load')] = metric(`${label}: 1-minute load average at the end of the run`, 'load', this.load);
    return out;
  }
}

export function formatRun(m: Measurement): string {
  return `${m.seconds.toFixed(2)} s, ${(m.peakRssBytes / 2 ** 20).toFixed(0)} MiB${
    m.cpuSeconds !== null ? `, cpu ${m.cpuSeconds.toFixed(1)} s` : ''
  }`;
}
