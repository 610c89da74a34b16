// The development page when its packages are missing (a production install run in development): no page,
// and one line that says why, instead of a page that loads nothing.
import Fastify from 'fastify';
import pino from 'pino';
import { registerDevelopmentPage } from '../../../src/http/development-page';

it('without graphiql, react and react-dom installed, GET /graphql is not found and the log says why', async () => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const fastify = Fastify();
  registerDevelopmentPage(fastify, log, (packageName) => {
    throw new Error(`Cannot find module '${packageName}/package.json'`);
  });
  const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
  const response = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } }).finally(() => fastify.close());
  expect(response.status).toBe(404);
  expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
    'no development page at GET /graphql: graphiql, react and react-dom are not installed (npm ci)',
  ]);
});
