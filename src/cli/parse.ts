/** `mdw parse` — read the project and write target/manifest.json. */
import { join } from 'node:path';
import { writeManifest } from '../run/artifacts.js';
import type { ParsedArgs } from './args.js';
import { load } from './project.js';

export async function parseCommand(args: ParsedArgs): Promise<number> {
  const started = performance.now();
  const loaded = load(args, (line) => console.log(line));
  const path = writeManifest(join(loaded.project.root, loaded.project.target_path), loaded.manifest);
  const nodes = Object.keys(loaded.manifest.nodes).length;
  const sources = Object.keys(loaded.manifest.sources).length;
  console.log(
    `Parsed ${nodes} nodes and ${sources} sources in ${((performance.now() - started) / 1000).toFixed(2)}s; wrote ${path}`,
  );
  return 0;
}
