/** `mdw compile` — render selected nodes to target/compiled/ (and print one when asked). */
import { relative } from 'node:path';
import { createAdapter } from '../adapters/index.js';
import { Graph } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import { readProjectSelectors } from '../graph/selector-yaml.js';
import { writeManifest } from '../run/artifacts.js';
import { Compiler, inlineNode } from '../run/compile.js';
import type { ParsedArgs } from './args.js';
import { stringFlag } from './args.js';
import { load, selectionArgs } from './project.js';

export async function compileCommand(args: ParsedArgs): Promise<number> {
  const loaded = load(args, (line) => console.error(line));
  const compiler = new Compiler(loaded);
  const adapter = await createAdapter(loaded.target, loaded.project.root);
  const connection = await adapter.connect();
  const runQuery = async (sql: string) => {
    const result = await connection.query(sql);
    return { columnNames: result.columnNames, columnTypes: result.columnTypes, rows: result.rows };
  };
  try {
    const inline = stringFlag(args, 'inline');
    if (inline !== undefined) {
      console.log(await compiler.compile(inlineNode(loaded, inline), { runQuery }));
      return 0;
    }
    const { select, exclude, selector } = selectionArgs(args);
    const graph = Graph.fromManifest(loaded.manifest);
    const { selected } = selectNodes(loaded.manifest, graph, {
      select,
      exclude,
      ...(selector !== undefined ? { selector } : {}),
      selectors: readProjectSelectors(loaded.project.root),
    });
    const order = graph.topologicalOrder(selected);
    for (const id of order) {
      const node = loaded.manifest.nodes[id];
      if (!node || node.resource_type === 'seed') continue;
      const sql = await compiler.compile(node, { runQuery, which: 'compile' });
      if (order.length === 1) console.log(sql);
    }
    writeManifest(compiler.targetDir, loaded.manifest);
    console.error(
      `Compiled ${order.length} nodes into ${relative(process.cwd(), compiler.targetDir)}/compiled/`,
    );
    return 0;
  } finally {
    await connection.close();
    await adapter.close();
  }
}
