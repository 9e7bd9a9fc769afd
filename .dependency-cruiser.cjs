/**
 * The layering of src/ (docs/architecture.md), checked by `npm run check:layers`.
 * From top to bottom: cli → run → graph | template | project → adapters → materialize | csv |
 * landing | guards → lakehouse → manifest | util | version.ts. A folder imports only from folders below it.
 */
const below = (...folders) => `^src/(${folders.join('|')})(/|\\.ts$)`;
const only = (name, from, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: [`^src/${from}/`, below(...allowed)] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Modules never import each other in a circle (so neither do folders); a cycle made only of ' +
        'type imports vanishes at runtime and is allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'cli/ is the top: commands are loaded by cli/main.ts only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    only('run', 'run', ['graph', 'template', 'project', 'adapters', 'materialize', 'csv', 'landing', 'guards', 'manifest', 'util', 'version'], 'run/ drives the build; it never reaches up into cli/.'),
    only('graph', 'graph', ['manifest', 'util'], 'graph/ works on the manifest alone.'),
    only('template', 'template', ['adapters/registry', 'adapters/engine', 'adapters/sql-helpers', 'manifest', 'util'], 'template/ knows engines only through the registry (their macros).'),
    only('project', 'project', ['template', 'adapters/registry', 'adapters/engine', 'adapters/sql-helpers', 'manifest', 'util', 'version'], 'project/ parses; it asks the registry about engines and never loads one.'),
    only('adapters', 'adapters', ['materialize', 'csv', 'landing', 'guards', 'lakehouse', 'manifest', 'util', 'version'], 'Engines render and run plans; they never import the parser, the runner or the CLI.'),
    only('materialize', 'materialize', ['manifest', 'util'], 'Planning is engine-neutral: config in, plan out.'),
    only('csv', 'csv', ['manifest', 'util'], 'Reading CSV headers needs no engine.'),
    only('landing', 'landing', ['util'], 'The landing-file scan and quarantine rules need no engine.'),
    only('guards', 'guards', ['manifest', 'util'], 'Build guards decide from row counts and config; no engine.'),
    only('lakehouse', 'lakehouse', ['util'], 'The Iceberg table format knows no engine and nothing above it.'),
    only('manifest', 'manifest', ['util'], 'The manifest types are the ground everything stands on.'),
    only('util', 'util', [], 'util/ is self-contained.'),
    only('generate', 'generate', ['util'], 'The dataset generator is independent of the warehouse code.'),
    {
      name: 'lakehouse-imports-no-engine',
      comment: 'src/lakehouse is the table format only: no engine driver.',
      severity: 'error',
      from: { path: '^src/lakehouse/' },
      to: { path: '(^|/)node_modules/@duckdb/' },
    },
    {
      name: 'engine-driver-inside-its-folder',
      comment:
        "An engine's driver package is imported only inside that engine's folder. One exception: mdw lint uses DuckDB's SQL parser (json_serialize_sql) to read any target's compiled SQL; it runs no query against a warehouse.",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(adapters/duckdb/|lint/parse\\.ts$)' },
      to: { path: '(^|/)node_modules/@duckdb/' },
    },
    {
      name: 'engine-folders-are-private',
      comment: 'Outside src/adapters, engines are reached through registry.ts (lazy load), never imported.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/' },
      to: { path: '^src/adapters/[^/]+/' },
    },
    {
      name: 'engines-do-not-import-each-other',
      comment: 'Adding an engine is a new folder; no engine builds on another one.',
      severity: 'error',
      // named exception `athena may import trino`: Athena engine v3 is Trino (one SQL dialect),
      // so athena/ reuses trino/'s capabilities, partition-batch SQL, seed typing and retry rules (never the reverse);
      // athena/ is checked by the next rule instead
      from: { path: '^src/adapters/([^/]+)/', pathNot: '^src/adapters/athena/' },
      to: { path: '^src/adapters/[^/]+/', pathNot: '^src/adapters/$1/' },
    },
    {
      name: 'athena-may-import-trino',
      comment: 'The exception to engines-do-not-import-each-other: athena/ imports only itself and trino/.',
      severity: 'error',
      from: { path: '^src/adapters/athena/' },
      to: { path: '^src/adapters/[^/]+/', pathNot: '^src/adapters/(athena|trino)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
