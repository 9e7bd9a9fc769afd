/**
 * Entry point of the Glue proxy: `node glue-proxy-main.js --upstream <moto URL> --port-file <file>`.
 */
import { createGlueProxy } from './glue-proxy.js';
import { closeOnSignals, flags, listenAndPublish, required } from './listen.js';

const args = flags(process.argv.slice(2));
const server = createGlueProxy(new URL(required(args, 'upstream')));
closeOnSignals(server);
const port = await listenAndPublish(server, args.get('port-file'));
console.log(`glue proxy on http://127.0.0.1:${port} -> ${args.get('upstream')}`);
