/** Snapshots: one node per {% snapshot %} block in the snapshot paths. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractBlocks } from '../../template/blocks.js';
import { listFiles } from '../../util/files.js';
import type { ParseState } from './state.js';

export function readSnapshots(state: ParseState): void {
  for (const dir of state.project.snapshot_paths) {
    for (const path of listFiles(state.project.root, dir, ['.sql'])) {
      const text = readFileSync(join(state.project.root, path), 'utf8');
      for (const block of extractBlocks(text, path)) {
        if (block.kind !== 'snapshot') continue;
        const node = state.newNode('snapshot', block.name, path, dir, block.body);
        node.fqn = [...node.fqn.slice(0, -1), block.name];
        node.line = block.line;
        state.applyPatch(node);
        state.renderAtParse(node, block.body);
        state.addNode(node);
      }
    }
  }
}
