/**
 * Print the results table as markdown, from the newest complete results file in bench/results/
 * (or the file given), for pasting into a README.
 *
 *   node dist/bench/report.js [results.json] [--scale 1] [--details]
 *
 * --details adds where the time goes: node seconds of the floor, mdw build and dbt build per
 * model/snapshot, and the nodes that read the sales staging view.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { RESULTS_DIR } from './lib/paths.js';
import { type BenchResults, headline, latestResultsFile, markdownTable } from './lib/results.js';

function main(argv: string[]): number {
  const scaleIndex = argv.indexOf('--scale');
  const scale = scaleIndex >= 0 ? Number(argv[scaleIndex + 1]) : undefined;
  const explicit = argv.find((a, i) => a.endsWith('.json') && argv[i - 1] !== '--scale');
  const file = explicit ?? latestResultsFile(RESULTS_DIR, scale);
  if (!file) {
    console.error(`No results in ${RESULTS_DIR}: run \`npm run bench\` first.`);
    return 1;
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  const lines = [
    ...headline(results)
      .split('\n')
      .map((l) => `${l}  `),
    '',
    markdownTable(results),
    '',
    `<sub>${basename(file)}</sub>`,
  ];
  if (argv.includes('--details')) lines.push('', detailsTable(results));
  console.log(lines.join('\n'));
  return 0;
}

/** Per model/snapshot: floor vs mdw build vs dbt build node seconds (medians). */
function detailsTable(results: BenchResults): string {
  const floor = (results.sections.floor?.details?.nodeSeconds ?? {}) as Record<string, number>;
  const mdw = (results.sections.build?.details?.nodeSeconds ?? {}) as Record<string, number>;
  const dbt = (results.sections.peer?.details?.nodeSeconds ?? {}) as Record<string, number>;
  const inc = (results.sections.incremental?.details?.nodeSeconds ?? {}) as Record<string, number>;
  const ids = [...new Set([...Object.keys(floor), ...Object.keys(mdw)])].filter(
    (id) => id.startsWith('model.') || id.startsWith('snapshot.') || id.startsWith('source.'),
  );
  ids.sort((a, b) => (mdw[b] ?? floor[b] ?? 0) - (mdw[a] ?? floor[a] ?? 0));
  const cell = (x: number | undefined) => (x === undefined ? '' : x.toFixed(2));
  const rows = ids.map(
    (id) =>
      `| ${id.split('.').slice(-1)[0]} | ${cell(floor[id])} | ${cell(mdw[id])} | ${cell(dbt[id])} | ${cell(inc[id])} |`,
  );
  const byType = (name: 'build' | 'peer' | 'incremental') =>
    JSON.stringify(results.sections[name]?.details?.nodeSecondsByType ?? {});
  const readers = (name: 'build' | 'peer' | 'incremental') => {
    const r = results.sections[name]?.details?.readersOfStgSales as
      | { nodes: number; seconds: number }
      | undefined;
    return r ? `${r.nodes} nodes, ${r.seconds.toFixed(1)} s` : '';
  };
  return [
    '| node (seconds, median) | floor | mdw build | dbt build | mdw incremental build |',
    '|---|--:|--:|--:|--:|',
    ...rows,
    '',
    `node seconds by type — mdw build ${byType('build')}; dbt build ${byType('peer')}; incremental ${byType('incremental')}`,
    `readers of mdw_stg_sales — mdw build ${readers('build')}; dbt build ${readers('peer')}; incremental ${readers('incremental')}`,
  ].join('\n');
}

process.exit(main(process.argv.slice(2)));
