/** `mdw debug` — show versions, the project, the profile target, and test the connection. */
import { join } from 'node:path';
import { createAdapter } from '../adapters/index.js';
import { profileSearchPath } from '../project/profiles.js';
import { loadProjectAndTarget } from '../project/project-config.js';
import { errorMessage } from '../util/errors.js';
import { MDW_VERSION } from '../version.js';
import { type ParsedArgs, stringFlag } from './args.js';
import { parseVars, projectDir } from './project.js';

export async function debugCommand(args: ParsedArgs): Promise<number> {
  console.log(`mdw version: ${MDW_VERSION}`);
  console.log(`node version: ${process.version}`);
  const profilesDir = stringFlag(args, 'profiles-dir');
  const { project, target } = loadProjectAndTarget({
    projectDir: projectDir(args),
    profilesDir,
    target: stringFlag(args, 'target'),
    cliVars: parseVars(stringFlag(args, 'vars')),
  });
  console.log(`project: ${project.name} (${join(project.root, 'dbt_project.yml')}) [OK found and valid]`);
  console.log(`profiles.yml searched in: ${profileSearchPath(project.root, profilesDir).join(', ')}`);
  console.log(`profile: ${target.profile_name}, target: ${target.name} [OK found and valid]`);
  console.log(`  type: ${target.type}`);
  console.log(`  database: ${target.database}`);
  console.log(`  schema: ${target.schema}`);
  console.log(`  threads: ${target.threads}`);
  if (typeof target.path === 'string') console.log(`  path: ${target.path}`);
  try {
    const adapter = await createAdapter(target, project.root);
    const connection = await adapter.connect();
    await connection.query('select 1');
    await connection.close();
    await adapter.close();
    console.log('Connection test: [OK connection ok]');
    console.log('All checks passed!');
    return 0;
  } catch (error) {
    console.log(`Connection test: [ERROR] ${errorMessage(error)}`);
    return 1;
  }
}
