/** `mdw deps` — install the packages of packages.yml / dependencies.yml into dbt_packages/. */
import { relative } from 'node:path';
import { installPackages, LOCK_FILE } from '../project/packages/install.js';
import { loadProjectConfig } from '../project/project-config.js';
import type { ParsedArgs } from './args.js';
import { projectDir } from './project.js';

export async function depsCommand(args: ParsedArgs): Promise<number> {
  const project = loadProjectConfig(projectDir(args));
  const result = await installPackages(project.root, project.packages_install_path);
  if (result.installed.length === 0) {
    console.log('Nothing to install: packages.yml lists no packages.');
    return 0;
  }
  for (const pkg of result.installed) {
    console.log(`Installing ${pkg.name}`);
    console.log(`  Installed from ${pkg.origin}`);
  }
  const where = relative(project.root, result.installPath) || '.';
  console.log(`Installed ${result.installed.length} package(s) into ${where}/`);
  if (result.lockWritten) console.log(`Updated ${LOCK_FILE}`);
  return 0;
}
