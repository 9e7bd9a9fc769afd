#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the prepare script).
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code between runs (in the system's temporary folder), which
// takes about a tenth off start-up; Node 20 has no such cache and starts as before.
module.enableCompileCache?.();
const { main } = await import('../dist/src/cli/main.js');

// mdw pins AWS SDK versions that run on Node 20; the SDK's notice that later versions will not
// is about those versions, so it is not printed into every Athena command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`mdw: internal error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.MDW_DEBUG) console.error(error);
    process.exitCode = 3;
  },
);
