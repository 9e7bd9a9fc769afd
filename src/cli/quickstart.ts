/**
 * `npm start` (`mdw quickstart`): generate scale-1 data when the landing folder is empty,
 * build the whole warehouse on the default local target, and summarize what was built.
 */
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { createAdapter } from '../adapters/index.js';
import { generateDataset } from '../generate/index.js';
import { formatCount } from '../run/progress.js';
import { publishMode } from '../run/publish.js';
import { countStatuses } from '../run/results.js';
import { executeRun } from '../run/runner.js';
import { errorMessage } from '../util/errors.js';
import type { ParsedArgs } from './args.js';
import { numberFlag } from './args.js';
import { landingDir, printReport } from './generate.js';
import { load } from './project.js';

export async function quickstartCommand(args: ParsedArgs): Promise<number> {
  const started = performance.now();
  const landing = landingDir();
  // The build reads exactly the folder checked here, wherever it is run from.
  process.env.MDW_RAW_DIR = landing;
  const shownLanding = relative(process.cwd(), landing) || '.';
  if (!hasCsvFiles(landing)) {
    const scale = numberFlag(args, 'scale') ?? 1;
    console.log(
      `The landing folder ${shownLanding}/ is empty: generating the Grocery Sales Database (scale ${scale}) ...`,
    );
    printReport(await generateDataset({ outDir: landing, scale }), shownLanding);
    console.log('');
  } else {
    console.log(
      `Using the CSV files in ${shownLanding}/ (delete them, or set MDW_RAW_DIR, to generate fresh data).`,
    );
  }

  const loaded = load(args, (line) => console.log(line));
  const outcome = await executeRun({
    loaded,
    command: 'build',
    fullRefresh: args.flags['full-refresh'] === true,
    failFast: false,
    viewReuse: args.flags['no-view-reuse'] !== true,
    publish: publishMode(args.flags['no-wap'] === true, loaded.vars),
    print: (line) => console.log(line),
  });
  const counts = countStatuses(outcome.results);
  const nodes = loaded.manifest.nodes;
  const models = outcome.results.filter(
    (r) => nodes[r.unique_id]?.resource_type === 'model' && r.status === 'success',
  ).length;
  const tests = outcome.results.filter((r) => nodes[r.unique_id]?.resource_type === 'test');
  const testsPassed = tests.filter((r) => r.status === 'pass').length;
  const testsWarned = tests.filter((r) => r.status === 'warn').length;

  console.log('');
  console.log('──────────────────────────────────────────────────────────────────────');
  console.log(
    outcome.exitCode === 0
      ? 'The grocery warehouse is built.'
      : 'The build finished with errors (see above).',
  );
  console.log(
    `  models built   ${models}; data tests passed ${testsPassed} of ${tests.length}${testsWarned ? ` (${testsWarned} warned)` : ''}; errors ${counts.error}; skipped ${counts.skip}`,
  );
  const facts = await factSummary(loaded).catch(
    (error: unknown) => `  (could not read mdw_cur_ft_sales: ${errorMessage(error)})`,
  );
  console.log(facts);
  console.log(`  elapsed        ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  warehouse      ${warehouseLocation(loaded.target.path, loaded.project.root)}`);
  console.log(
    '  next           npx mdw show --inline "select * from mdw_cur.mdw_cur_daily_revenue order by sales_date" --limit 10',
  );
  console.log('                 npx mdw generate --day 20180510 && npx mdw build   (an incremental day)');
  console.log('                 npx mdw ls -s cur.*   ·   npx mdw --help');
  return outcome.exitCode;
}

function hasCsvFiles(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((name) => String(name).endsWith('.csv'));
}

async function factSummary(loaded: ReturnType<typeof load>): Promise<string> {
  const fact = Object.values(loaded.manifest.nodes).find((n) => n.name === 'mdw_cur_ft_sales');
  if (!fact?.relation_name) return '  mdw_cur_ft_sales is not part of this project';
  const adapter = await createAdapter(loaded.target, loaded.project.root);
  const connection = await adapter.connect();
  try {
    const result = await connection.query(
      `select count(*) as row_count, sum(net_amount) as net_revenue from ${fact.relation_name}`,
    );
    const [rows, revenue] = result.rows[0] as [number | bigint, unknown];
    const money = Number(revenue ?? 0).toLocaleString('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    return `  mdw_cur_ft_sales ${formatCount(Number(rows))} rows; total net revenue ${money}`;
  } finally {
    await connection.close();
    await adapter.close();
  }
}

function warehouseLocation(path: unknown, projectRoot: string): string {
  if (typeof path !== 'string' || path === ':memory:') return 'in memory';
  const absolute = isAbsolute(path) ? path : resolve(projectRoot, path);
  return relative(process.cwd(), absolute) || absolute;
}
