/** The Grocery Sales Database generator (see docs/dataset.md and layout.ts). */

export { type AppendDayOptions, appendDay } from './append.js';
export { fileName, HEADERS, parseCsv, TABLES, type TableName } from './csv.js';
export { type GenerateOptions, generateDataset } from './dataset.js';
export { DIRTY_CASES, type DirtyCase, type DirtyEntry } from './dirty.js';
export {
  removePath,
  writeEmptyFile,
  writeHeaderOnly,
  writeWithMissingColumn,
  writeWithRenamedHeader,
  writeWithReorderedColumns,
} from './dirty-files.js';
export {
  datedPartFile,
  type Layout,
  MANIFEST_FILE,
  SALES_DIR,
  SALES_FILE,
  STATE_FILE,
  UNDATED_PARTITION,
  undatedPartFile,
} from './layout.js';
export type { FileReport, GenerateProgress, GenerateReport, TableReport } from './report.js';
export { BASE_ROWS, customerRows, salesRows } from './sizes.js';
export type { GenerateState } from './state.js';
