/** Models: one node per .sql file under the model paths; Python models are named, not run. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listFiles } from '../../util/files.js';
import type { ParseState } from './state.js';

export function readModels(state: ParseState): void {
  for (const dir of state.project.model_paths) {
    for (const path of listFiles(state.project.root, dir, ['.sql'])) {
      const raw = readFileSync(join(state.project.root, path), 'utf8');
      const node = state.newNode('model', basename(path, '.sql'), path, dir, raw);
      state.applyPatch(node);
      state.renderAtParse(node, raw);
      state.addNode(node);
    }
    // dbt-duckdb runs `def model(dbt, session)` files; mdw has no Python runtime, so say so
    // here rather than let a ref() to the model fail later as a missing node.
    for (const path of listFiles(state.project.root, dir, ['.py']))
      state.warnings.push(
        `${path}:1: Python model '${basename(path, '.py')}' (def model(dbt, session)) is not supported by mdw; it is skipped, and models that ref() it will fail.`,
      );
  }
}
