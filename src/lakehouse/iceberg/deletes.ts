/**
 * Row-level deletes (Iceberg v2 spec, "Scan Planning" and "Row-level Deletes"): which delete
 * files a reader must apply to which data files. Engine-neutral: it only decides; an engine
 * turns the decision into an anti-join.
 *
 * A position delete file (rows of file_path + pos) applies to a data file when its data
 * sequence number is >= the data file's, the partitions match (or the delete file's spec is
 * unpartitioned), and its referenced_data_file, when set, is that data file. An equality
 * delete file (rows of the equality field ids' values) applies when its sequence number is
 * strictly greater than the data file's, with the same partition rule. Deletion vectors
 * (format v3, Puffin) are refused by name rather than ignored.
 */
import { ExecutionError } from '../../util/errors.js';
import { type DataFile, FileContent } from './manifest.js';
import { uriToPath } from './paths.js';

/** A live delete file of a snapshot. */
export interface LiveDeleteFile extends DataFile {
  localPath: string;
  sequenceNumber: number;
  specId: number;
}

/** What a data file needs to know to be matched (a LiveDataFile is one). */
export interface DataFileRef {
  filePath: string;
  partition: DataFile['partition'];
  sequenceNumber: number;
  specId: number;
}

/** The delete files that apply to one data file. */
export interface ApplicableDeletes {
  position: LiveDeleteFile[];
  equality: LiveDeleteFile[];
}

export const POSITION_DELETE_FILE_PATH_ID = 2147483546;
export const POSITION_DELETE_POS_ID = 2147483545;

/** Delete files of a snapshot, indexed for matching against its data files. */
export class DeleteIndex {
  readonly files: readonly LiveDeleteFile[];
  private readonly byPartition = new Map<string, LiveDeleteFile[]>();
  private readonly global: LiveDeleteFile[] = [];

  /** `unpartitionedSpecs`: ids of the table's specs without fields (their deletes apply everywhere) */
  constructor(files: readonly LiveDeleteFile[], unpartitionedSpecs: ReadonlySet<number>, table: string) {
    for (const f of files) {
      if (f.content !== FileContent.POSITION_DELETES && f.content !== FileContent.EQUALITY_DELETES)
        throw new ExecutionError(`Iceberg table ${table} has a delete file of unknown content ${f.content}.`);
      if (f.fileFormat.toUpperCase() !== 'PARQUET') {
        throw new ExecutionError(
          `Iceberg table ${table} has ${f.fileFormat} delete files (${f.filePath}), which mdw cannot apply; only Parquet position and equality deletes are supported.`,
        );
      }
      if (f.content === FileContent.EQUALITY_DELETES && (f.equalityIds ?? []).length === 0)
        throw new ExecutionError(
          `Iceberg table ${table} has an equality delete file without equality ids: ${f.filePath}.`,
        );
      if (unpartitionedSpecs.has(f.specId)) this.global.push(f);
      else {
        const key = partitionSlot(f.specId, f.partition);
        const list = this.byPartition.get(key) ?? [];
        list.push(f);
        this.byPartition.set(key, list);
      }
    }
    this.files = files;
  }

  get isEmpty(): boolean {
    return this.files.length === 0;
  }

  /** The delete files a reader of `data` must apply, by the spec's sequence and partition rules. */
  applicableTo(data: DataFileRef): ApplicableDeletes {
    const out: ApplicableDeletes = { position: [], equality: [] };
    const candidates = [
      ...this.global,
      ...(this.byPartition.get(partitionSlot(data.specId, data.partition)) ?? []),
    ];
    for (const d of candidates) {
      if (d.content === FileContent.POSITION_DELETES) {
        if (d.sequenceNumber < data.sequenceNumber) continue;
        const referenced = referencedDataFile(d);
        if (referenced !== undefined && referenced !== data.filePath) continue;
        out.position.push(d);
      } else if (d.sequenceNumber > data.sequenceNumber) {
        out.equality.push(d);
      }
    }
    return out;
  }

  /**
   * Delete files that apply to none of `remaining` (the data files live after a change):
   * a commit removes them with the data files they were written for.
   */
  superseded(remaining: readonly DataFileRef[]): LiveDeleteFile[] {
    const used = new Set<LiveDeleteFile>();
    for (const data of remaining) {
      const applicable = this.applicableTo(data);
      for (const d of applicable.position) used.add(d);
      for (const d of applicable.equality) used.add(d);
    }
    return this.files.filter((d) => !used.has(d));
  }
}

/**
 * The one data file a position delete file is for: its referenced_data_file, else (spec) its
 * file_path column's lower and upper bounds when they are equal.
 */
export function referencedDataFile(file: DataFile): string | undefined {
  if (file.content !== FileContent.POSITION_DELETES) return undefined;
  if (file.referencedDataFile) return file.referencedDataFile;
  const lower = file.lowerBounds?.[POSITION_DELETE_FILE_PATH_ID];
  const upper = file.upperBounds?.[POSITION_DELETE_FILE_PATH_ID];
  return lower && upper && lower.equals(upper) ? lower.toString('utf8') : undefined;
}

export function liveDeleteFile(file: DataFile, sequenceNumber: number, specId: number): LiveDeleteFile {
  return { ...file, localPath: uriToPath(file.filePath), sequenceNumber, specId };
}

function partitionSlot(specId: number, partition: DataFile['partition']): string {
  return `${specId}:${JSON.stringify(partition, (_k, v) => (typeof v === 'bigint' ? `${v}n` : Buffer.isBuffer(v) ? v.toString('hex') : v))}`;
}
