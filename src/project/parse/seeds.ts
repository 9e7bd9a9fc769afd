/** Seeds: one node per .csv file under the seed paths (checksum of the file's bytes). */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listFiles } from '../../util/files.js';
import { type ParseState, sha256 } from './state.js';

export function readSeeds(state: ParseState): void {
  for (const dir of state.project.seed_paths) {
    for (const path of listFiles(state.project.root, dir, ['.csv'])) {
      const node = state.newNode('seed', basename(path, '.csv'), path, dir, '');
      node.seed_file_path = join(state.project.root, path);
      node.checksum = { name: 'sha256', checksum: sha256(readFileSync(node.seed_file_path)) };
      state.applyPatch(node);
      state.addNode(node);
    }
  }
}
