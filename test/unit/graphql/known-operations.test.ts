// What the answers without Apollo's pipeline take, and what they leave to Apollo: only a body of the usual
// members whose exact document (and operation name) was answered before, within the representation limit;
// and no client can make the memory of documents grow past its bounds.
import { getOperationAST, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { KnownOperations } from '../../../src/graphql/known-operations';
import { buildIdentitySchema } from '../../../src/graphql/schema';

const ENTITIES = 'query Feed($r: [_Any!]!) { _entities(representations: $r) { __typename } }';

async function known(max = 10, maxRepresentations = 3) {
  const schema = await buildIdentitySchema();
  const operations = new KnownOperations({ max, maxRepresentations, publicMaxAgeSeconds: 60, onExecuted: () => {} });
  const remember = (source: string, operationName: string | null = null) => {
    const document = parse(source);
    const compiled = compileQuery(schema, document, operationName ?? undefined);
    if (!isCompiledQuery(compiled)) throw new Error('not compiled');
    operations.remember(source, operationName, document, getOperationAST(document, operationName)!, compiled);
  };
  return { operations, remember };
}

it('takes only a document answered before, with the same operation name, in a body of the usual members', async () => {
  const { operations, remember } = await known();
  remember(ENTITIES, 'Feed');
  expect(operations.prepare({ query: ENTITIES, operationName: 'Feed', variables: { r: [] } })).toBeDefined();
  expect(operations.prepare({ query: ENTITIES, variables: { r: [] } })).toBeUndefined(); // not asked so
  expect(operations.prepare({ query: `${ENTITIES} `, operationName: 'Feed' })).toBeUndefined();
  expect(operations.prepare({ query: ENTITIES, operationName: 'Feed', extensions: {} })).toBeUndefined();
  for (const body of [null, [], 'text', { query: 1 }, { query: ENTITIES, operationName: 'Feed', variables: [] }]) {
    expect(operations.prepare(body)).toBeUndefined();
  }
});

it('no operation name and source can be cut to pass for another pair', async () => {
  const { operations, remember } = await known();
  remember(ENTITIES, 'Feed');
  expect(operations.prepare({ query: `4:Feed${ENTITIES}` })).toBeUndefined();
  expect(operations.prepare({ query: ENTITIES.slice(1), operationName: 'Feedq' })).toBeUndefined();
});

it('leaves a request over the representation limit to Apollo, which refuses it', async () => {
  const { operations, remember } = await known(10, 3);
  remember(ENTITIES, 'Feed');
  const refs = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ __typename: 'User', id: `u${index}` }));
  expect(operations.prepare({ query: ENTITIES, operationName: 'Feed', variables: { r: refs(3) } })).toBeDefined();
  expect(operations.prepare({ query: ENTITIES, operationName: 'Feed', variables: { r: refs(4) } })).toBeUndefined();
});

it('holds at most its count of documents, and never a very long one', async () => {
  const { operations, remember } = await known(3);
  for (let index = 0; index < 20; index += 1) remember(`{ alias${index}: __typename }`);
  expect(operations.size).toBe(3);
  const long = `{ ${Array.from({ length: 7000 }, (_, index) => `a${index}: __typename`).join(' ')} }`;
  remember(long);
  expect(operations.prepare({ query: long })).toBeUndefined();
});
