// The cache of compiled queries: each distinct query is compiled once, and no client can make it grow past
// its bound by sending ever new queries.
import { parse } from 'graphql';
import { CompiledQueries, NOT_COMPILED } from '../../../src/graphql/executor';
import { buildIdentitySchema } from '../../../src/graphql/schema';

const request = (query: string, operationName: string | null = null) => ({
  queryHash: query, // any key that differs when the query does
  document: parse(query),
  operationName,
});

it('compiles a query once and serves the same compiled function after', async () => {
  const queries = new CompiledQueries(await buildIdentitySchema(), 10);
  const query = '{ disclosurePolicy { name } }';
  const first = queries.get(request(query));
  expect(first).not.toBe(NOT_COMPILED);
  expect(queries.get(request(query))).toBe(first);
  expect(queries.size).toBe(1);
});

it('keeps one entry per operation of a document', async () => {
  const queries = new CompiledQueries(await buildIdentitySchema(), 10);
  const document = 'query A { __typename } query B { disclosurePolicy { name } }';
  expect(queries.get(request(document, 'A'))).not.toBe(queries.get(request(document, 'B')));
  expect(queries.size).toBe(2);
});

it('holds at most its bound, however many distinct queries arrive', async () => {
  const queries = new CompiledQueries(await buildIdentitySchema(), 3);
  for (let index = 0; index < 50; index += 1) queries.get(request(`{ alias${index}: __typename }`));
  expect(queries.size).toBe(3);
});
