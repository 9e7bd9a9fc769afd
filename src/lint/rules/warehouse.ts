/**
 * Warehouse health (`mdw lint --warehouse`): the built Iceberg tables' partitions and files
 * against the spec's limits, each finding with a recommendation. The table statistics come
 * from the Iceberg metadata (catalog → metadata → manifests); nothing is written.
 */
import { formatCount } from '../../util/format-count.js';

export const MAX_PARTITIONS = 10_000;
export const PARTITION_MIN_BYTES = 100 * 1024 ** 2;
export const PARTITION_MAX_BYTES = 1024 ** 3;
export const FILE_MIN_BYTES = 128 * 1024 ** 2;
export const FILE_MAX_BYTES = 256 * 1024 ** 2;

export interface TableStats {
  /** schema.table, for messages */
  identifier: string;
  partitioned: boolean;
  /** per partition (one entry for an unpartitioned table): its value, bytes and file sizes */
  partitions: { value: string | null; bytes: number; fileSizes: number[] }[];
}

export interface HealthFinding {
  ruleId: 'W01' | 'W02' | 'W03';
  message: string;
}

export function tableHealth(stats: TableStats): HealthFinding[] {
  const findings: HealthFinding[] = [];
  const total = stats.partitions.reduce((sum, p) => sum + p.bytes, 0);
  const count = stats.partitions.length;
  if (count === 0) return [];
  if (stats.partitioned && count > MAX_PARTITIONS) {
    findings.push({
      ruleId: 'W01',
      message: `${stats.identifier} has ${formatCount(count)} partitions (limit 10,000): ${coarser(stats, total)}.`,
    });
  }
  if (stats.partitioned) {
    const average = total / count;
    if (average < PARTITION_MIN_BYTES) {
      findings.push({
        ruleId: 'W02',
        message: `${stats.identifier} holds ${size(average)} per partition on average (target 100 MB–1 GB): ${coarser(stats, total)}.`,
      });
    } else if (average > PARTITION_MAX_BYTES) {
      findings.push({
        ruleId: 'W02',
        message: `${stats.identifier} holds ${size(average)} per partition on average (target 100 MB–1 GB): partition more finely (e.g. daily instead of monthly).`,
      });
    }
  } else if (total > PARTITION_MAX_BYTES) {
    findings.push({
      ruleId: 'W02',
      message: `${stats.identifier} is ${size(total)} and not partitioned: partition it by day (a 'partition' column, YYYYMMDD).`,
    });
  }
  const small = stats.partitions.filter(
    (p) => p.fileSizes.length > 1 && p.bytes / p.fileSizes.length < FILE_MIN_BYTES,
  );
  if (small.length > 0) {
    const files = small.reduce((sum, p) => sum + p.fileSizes.length, 0);
    findings.push({
      ruleId: 'W03',
      message: `${stats.identifier} has ${files} files under 128 MB in ${small.length} partition(s) that hold several: run mdw iceberg optimize ${stats.identifier} (target 128–256 MB files).`,
    });
  }
  const large = stats.partitions.flatMap((p) => p.fileSizes).filter((s) => s > FILE_MAX_BYTES);
  if (large.length > 0) {
    findings.push({
      ruleId: 'W03',
      message: `${stats.identifier} has ${large.length} file(s) over 256 MB: rewrite them with mdw iceberg optimize ${stats.identifier} --target-file-size 256MB.`,
    });
  }
  return findings;
}

/** What a coarser partitioning would give: monthly, yearly, or none at all. */
function coarser(stats: TableStats, total: number): string {
  const values = stats.partitions.map((p) => p.value ?? '');
  const daily = values.every((v) => /^\d{8}$/.test(v));
  const monthly = values.every((v) => /^\d{6}$/.test(v));
  if (daily) {
    const months = new Set(values.map((v) => v.slice(0, 6))).size;
    if (total / months >= PARTITION_MIN_BYTES) {
      return `partition by month instead of by day (${months} partitions of about ${size(total / months)})`;
    }
  }
  if (daily || monthly) {
    const years = new Set(values.map((v) => v.slice(0, 4))).size;
    if (total / years >= PARTITION_MIN_BYTES) {
      return `partition by year (${years} partitions of about ${size(total / years)})`;
    }
  }
  return `the whole table is ${size(total)}, so leave it unpartitioned (drop partition_by)`;
}

export function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${Math.round(bytes)} B`;
}
