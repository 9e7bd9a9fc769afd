/**
 * What Trino's Iceberg connector can do, as the core asks it. Athena engine v3 is Trino over
 * the same connector, so the Athena adapter states the same capabilities.
 */
import { type Capabilities, withCapabilities } from '../types.js';
import { MAX_PARTITIONS_PER_WRITE } from './partition-batches.js';

export const TRINO_ICEBERG_CAPABILITIES: Readonly<Capabilities> = Object.freeze(
  withCapabilities({
    atomicReplace: true,
    merge: true,
    rowLevelDeletes: true,
    maxPartitionsPerWrite: MAX_PARTITIONS_PER_WRITE,
  }),
);
