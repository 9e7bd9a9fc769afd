/** Docs blocks ({% docs name %}…{% enddocs %}) in .md files of the model, docs and macro paths. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractBlocks } from '../../template/blocks.js';
import { listFiles } from '../../util/files.js';
import type { ParseState } from './state.js';

export function readDocs(state: ParseState): void {
  const dirs = [...state.project.model_paths, ...state.project.docs_paths, ...state.project.macro_paths];
  for (const path of new Set(dirs.flatMap((dir) => listFiles(state.project.root, dir, ['.md'])))) {
    const text = readFileSync(join(state.project.root, path), 'utf8');
    for (const block of extractBlocks(text, path)) {
      if (block.kind !== 'docs') continue;
      const id = `doc.${state.project.name}.${block.name}`;
      state.docs[id] = {
        unique_id: id,
        name: block.name,
        package_name: state.project.name,
        original_file_path: path,
        block_contents: block.body.trim(),
      };
    }
  }
}
