// Starts the MongoDB wire-protocol TEST DOUBLE from the command line, e.g.
//   npx tsx test/support/mongo-wire/cli.ts --port 27099 [--repl-set rs0] [--user u --password p]
import { parseArgs } from 'node:util';
import { startMongoTestServer } from './index';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'repl-set': { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    'server-version': { type: 'string' },
  },
});

const server = await startMongoTestServer({
  host: values.host,
  port: Number(values.port),
  replSetName: values['repl-set'],
  serverVersion: values['server-version'],
  auth: values.user ? { username: values.user, password: values.password ?? '' } : undefined,
});
console.log(server.uri);
console.error('MongoDB wire-protocol test double (not a real MongoDB). Ctrl+C to stop.');

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
