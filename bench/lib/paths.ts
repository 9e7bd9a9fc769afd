/** Where things are: the repository (from dist/bench/lib/), the CLI, the bench's own scripts. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** dist/bench/lib → the repository root. */
export const REPO_ROOT = resolve(here, '..', '..', '..');
export const MDW_BIN = join(REPO_ROOT, 'bin', 'mdw.js');
/** The warehouse project benchmarked (copied before use, never written to). */
export const PROJECT_SRC = join(REPO_ROOT, 'dbt');
/** Committed results: bench/results/<YYYY-MM-DD>-<scale>.json. */
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
/** The compiled child script that runs SQL steps in a bare DuckDB (floor, Parquet baseline). */
export const DUCKDB_STEPS_JS = join(REPO_ROOT, 'dist', 'bench', 'duckdb-steps.js');
/** The compiled child script of section 8 (Parquet vs Iceberg writes). */
export const ICEBERG_WRITE_JS = join(REPO_ROOT, 'dist', 'bench', 'iceberg-write.js');
export const PYTHON_VENV_SCRIPT = join(REPO_ROOT, 'scripts', 'python-venv.sh');
