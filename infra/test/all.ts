/**
 * `npm test` runs every suite in one process so the synthesized app (the slow part, about
 * 10 s per environment) is shared through support.ts's cache instead of rebuilt per file.
 */
import './expressions.test.js';
import './nag.test.js';
import './stacks.test.js';
import './run.test.js';
import './outputs.test.js';
import './cli-synth.test.js';
