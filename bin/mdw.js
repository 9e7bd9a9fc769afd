#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the prepare script).
import { main } from '../dist/src/cli/main.js';

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
