/** `mdw docs generate` (artifacts + static site) and `mdw docs serve [--port N] [--host H]`. */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError } from '../util/errors.js';
import { numberFlag, type ParsedArgs, stringFlag } from './args.js';
import { load } from './project.js';

export async function docsCommand(args: ParsedArgs): Promise<number> {
  const [sub] = args.positionals;
  if (sub === 'generate') return generate(args);
  if (sub === 'serve') return serve(args);
  throw new ConfigError(`mdw docs needs 'generate' or 'serve' (e.g. mdw docs generate && mdw docs serve).`);
}

async function generate(args: ParsedArgs): Promise<number> {
  const started = performance.now();
  const loaded = load(args, (line) => console.error(line));
  const { generateDocs } = await import('../docs/generate.js');
  const report = await generateDocs(loaded);
  for (const error of report.compileErrors) console.error(`[WARNING]: could not compile ${error}`);
  for (const error of report.catalogErrors) console.error(`[WARNING]: could not read ${error}`);
  const shown = relative(process.cwd(), report.targetDir) || '.';
  console.log(
    `Catalog written to ${shown}/catalog.json (${report.catalogued} relations); manifest to ${shown}/manifest.json; ` +
      `site (${report.nodes} pages) to ${shown}/docs/index.html in ${((performance.now() - started) / 1000).toFixed(2)}s`,
  );
  return 0;
}

async function serve(args: ParsedArgs): Promise<number> {
  const loaded = load(args, (line) => console.error(line));
  const siteDir = join(loaded.project.root, loaded.project.target_path, 'docs');
  if (!existsSync(join(siteDir, 'index.html'))) {
    throw new ConfigError(
      `No site in ${relative(process.cwd(), siteDir) || siteDir}: run 'mdw docs generate' first.`,
    );
  }
  const port = numberFlag(args, 'port');
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new ConfigError(
      `--port must be a whole number from 0 to 65535, got '${stringFlag(args, 'port')}'.`,
    );
  }
  const { startServer } = await import('../docs/server.js');
  const running = await startServer(siteDir, { host: stringFlag(args, 'host'), port }).catch(
    (error: NodeJS.ErrnoException) => {
      throw new ConfigError(
        `Cannot listen on ${stringFlag(args, 'host') ?? '127.0.0.1'}:${port ?? 8080}: ${error.code ?? error.message}.`,
      );
    },
  );
  console.log(`Serving docs at ${running.url} (read-only; Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      running.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('Stopped.');
  return 0;
}
