/**
 * `node dist/scripts/outputs-to-env.js outputs.json [--env dev] [--format env|profile]`:
 * turns `cdk deploy --all --outputs-file outputs.json` into the MDW_ATHENA_* settings of
 * dbt/profiles.yml's athena target (env file, default) or a ready profiles.yml target.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { athenaSettings, type OutputsFile, renderEnvFile, renderProfile } from '../lib/outputs.js';

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { env: { type: 'string', default: 'dev' }, format: { type: 'string', default: 'env' } },
  });
  const [file] = positionals;
  if (!file) throw new Error('Usage: outputs-to-env <outputs.json> [--env dev|prod] [--format env|profile]');
  if (values.format !== 'env' && values.format !== 'profile') {
    throw new Error(`--format must be env or profile (got '${values.format}').`);
  }
  let outputs: OutputsFile;
  try {
    outputs = JSON.parse(readFileSync(file, 'utf8')) as OutputsFile;
  } catch (error) {
    throw new Error(`Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const env = values.env!;
  const settings = athenaSettings(outputs, env);
  process.stdout.write(values.format === 'env' ? renderEnvFile(settings, env) : renderProfile(settings, env));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
