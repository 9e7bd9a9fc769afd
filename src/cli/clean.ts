/** `mdw clean` — delete the project's clean-targets (target/ by default). */
import { rmSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { loadProjectConfig } from '../project/project-config.js';
import { ConfigError } from '../util/errors.js';
import { type ParsedArgs, stringFlag } from './args.js';
import { parseVars, projectDir } from './project.js';

export async function cleanCommand(args: ParsedArgs): Promise<number> {
  const project = loadProjectConfig(projectDir(args), { cliVars: parseVars(stringFlag(args, 'vars')) });
  for (const target of project.clean_targets) {
    const path = resolve(project.root, target);
    const inside = relative(project.root, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new ConfigError(
        `clean-targets entry '${target}' is outside the project folder; refusing to delete it.`,
      );
    }
    rmSync(path, { recursive: true, force: true });
    console.log(`Cleaned ${inside}/`);
  }
  return 0;
}
