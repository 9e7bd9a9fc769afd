/**
 * The packages a project uses: every folder of its packages-install-path that holds a
 * dbt_project.yml (dbt loads what `dbt deps` installed), in name order.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectConfig } from '../../manifest/types.js';
import { ConfigError } from '../../util/errors.js';
import { loadProjectConfig } from '../project-config.js';

export function installedPackages(root: ProjectConfig): ProjectConfig[] {
  const dir = join(root.root, root.packages_install_path);
  if (!existsSync(dir)) return [];
  const found: ProjectConfig[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || !existsSync(join(dir, entry, 'dbt_project.yml'))) continue;
    const pkg = loadProjectConfig(join(dir, entry));
    if (pkg.name === root.name) continue; // the root project never loads a second time
    if (found.some((p) => p.name === pkg.name))
      throw new ConfigError(
        `${root.packages_install_path}/${entry}: a second package named '${pkg.name}' is installed; run mdw deps again.`,
      );
    found.push(pkg);
  }
  return found;
}
