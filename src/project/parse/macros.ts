/** Macros: the project's macro files (macro paths and generic tests), and their manifest entries. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MacroDefinition, ProjectConfig } from '../../manifest/types.js';
import type { MacroSourceFile, TemplateEngine } from '../../template/types.js';
import { listFiles } from '../../util/files.js';

export function readMacroFiles(project: ProjectConfig): MacroSourceFile[] {
  const paths = [
    ...project.macro_paths.flatMap((dir) => listFiles(project.root, dir, ['.sql'])),
    ...project.test_paths.flatMap((dir) => listFiles(project.root, join(dir, 'generic'), ['.sql'])),
  ];
  return paths.map((path) => ({
    path,
    contents: readFileSync(join(project.root, path), 'utf8'),
    packageName: project.name,
  }));
}

/** One manifest entry per macro the engine knows (the project's and mdw's built-ins). */
export function manifestMacros(engine: TemplateEngine): Record<string, MacroDefinition> {
  return Object.fromEntries(
    engine.listMacros().map((m) => {
      const id = `macro.${m.packageName}.${m.name}`;
      return [
        id,
        {
          unique_id: id,
          name: m.name,
          package_name: m.packageName,
          original_file_path: m.path,
          path: m.path,
          macro_sql: m.source,
          line: m.line,
          description: '',
        },
      ];
    }),
  );
}
