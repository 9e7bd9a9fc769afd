/** `mdw generate [--scale 1] [--out data/raw] [--seed 42] [--daily] [--dirty] [--day YYYYMMDD]` */
import { relative, resolve } from 'node:path';
import { appendDay, type GenerateReport, generateDataset } from '../generate/index.js';
import { formatCount } from '../run/progress.js';
import { ConfigError } from '../util/errors.js';
import { numberFlag, type ParsedArgs, stringFlag } from './args.js';

/** The landing folder: --out, else MDW_RAW_DIR, else data/raw. */
export function landingDir(out?: string): string {
  return resolve(out ?? process.env.MDW_RAW_DIR ?? 'data/raw');
}

export async function generateCommand(args: ParsedArgs): Promise<number> {
  const outDir = landingDir(stringFlag(args, 'out'));
  const scale = numberFlag(args, 'scale');
  const seed = numberFlag(args, 'seed');
  if (scale !== undefined && !(scale > 0))
    throw new ConfigError(`--scale must be a positive number, got ${scale}.`);
  const day = stringFlag(args, 'day');
  const shown = relative(process.cwd(), outDir) || '.';
  let report: GenerateReport;
  if (day !== undefined) {
    report = await appendDay({ outDir, day, seed, scale });
    console.log(`Added sales of ${day} to ${shown}: ${formatCount(report.tables.sales?.rows ?? 0)} rows.`);
  } else {
    console.log(
      `Generating the Grocery Sales Database (scale ${scale ?? 1}, seed ${seed ?? 42}) into ${shown}/ ...`,
    );
    report = await generateDataset({
      outDir,
      scale,
      seed,
      daily: args.flags.daily === true,
      dirty: args.flags.dirty === true,
    });
  }
  printReport(report, shown);
  return 0;
}

export function printReport(report: GenerateReport, shown: string): void {
  for (const [table, totals] of Object.entries(report.tables)) {
    const files = totals.files > 1 ? ` in ${formatCount(totals.files)} files` : '';
    console.log(
      `  ${table.padEnd(11)} ${formatCount(totals.rows).padStart(11)} rows  ${(totals.bytes / 1e6).toFixed(1).padStart(7)} MB${files}`,
    );
  }
  const rate =
    report.salesRowsPerSecond > 0
      ? `, ${formatCount(Math.round(report.salesRowsPerSecond))} sales rows/s`
      : '';
  const dirt = report.dirty
    ? `; ${report.dirtyEntries} dirty rows listed in ${shown}/dirty_manifest.json`
    : '';
  console.log(`Done in ${report.seconds.toFixed(2)}s${rate}${dirt}.`);
}
