/**
 * Entry point of the local Athena API server (scripts/athena-local.sh starts it):
 *   node athena-main.js --trino <url> --s3-endpoint <url> --glue-endpoint <url> --region <r>
 *                       --work-group <name>=<s3 output location>[,…] --port-file <file>
 * MDW_ATHENA_THROTTLE=`Op:count,…` throttles the first calls of those operations (retry tests).
 */
import { AwsBackends } from './aws.js';
import { Executions } from './executions.js';
import { closeOnSignals, flags, listenAndPublish, required } from './listen.js';
import { createAthenaServer } from './server.js';
import { Throttle } from './throttle.js';
import { WorkGroups } from './workgroups.js';

/**
 * Every write goes through one writer per query, so a write touching more than 100 partitions
 * fails with Trino's *_TOO_MANY_OPEN_PARTITIONS, as it does on Athena (whose writers are not
 * spread by partition either).
 */
const SESSION_PROPERTIES = {
  task_min_writer_count: '1',
  task_max_writer_count: '1',
  scale_writers: 'false',
  task_scale_writers_enabled: 'false',
};

const args = flags(process.argv.slice(2));
const aws = new AwsBackends({
  s3: required(args, 's3-endpoint'),
  glue: required(args, 'glue-endpoint'),
  region: args.get('region') ?? 'us-east-1',
});
await aws.ensureDatabase('default');
const throttle = new Throttle();
if (process.env.MDW_ATHENA_THROTTLE) throttle.configure(process.env.MDW_ATHENA_THROTTLE);
const server = createAthenaServer({
  aws,
  executions: new Executions(required(args, 'trino'), aws, SESSION_PROPERTIES),
  workGroups: new WorkGroups((args.get('work-group') ?? '').split(',').filter(Boolean)),
  throttle,
});
closeOnSignals(server);
const port = await listenAndPublish(server, args.get('port-file'));
console.log(`Athena API on http://127.0.0.1:${port} (Trino ${args.get('trino')})`);
