// The checked-in contract composes into a supergraph with the platform's users and posts subgraphs.
import { parse, print, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { composeSupergraph, CompositionError, localSubgraphs, type SubgraphSource } from '../../../examples/supergraph';

const URLS = {
  identity: 'http://identity-labels:4001/graphql',
  users: 'http://users:4002/graphql',
  posts: 'http://posts:4003/graphql',
};

function fieldsOf(schema: GraphQLSchema, typeName: string): Record<string, string> {
  const type = schema.getType(typeName) as GraphQLObjectType;
  return Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, String(field.type)]));
}

it('schema/identity-labels.graphql composes with the users and posts subgraphs, with no errors and no hints', () => {
  const { supergraphSdl, hints } = composeSupergraph(localSubgraphs(URLS));
  // A hint is not a failure, but it changes how the router plans or merges: a new one belongs in review.
  expect(hints).toEqual([]);
  expect(supergraphSdl).toContain(
    'IDENTITY_LABELS @join__graph(name: "identity-labels", url: "http://identity-labels:4001/graphql")',
  );
});

it('tells the router to let only an authenticated caller consent or read its own data (@authenticated)', () => {
  const { supergraphSdl, apiSchema } = composeSupergraph(localSubgraphs(URLS));
  // A router that cannot enforce it must refuse the supergraph rather than serve it unguarded.
  expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)');
  expect(supergraphSdl).toMatch(/setRealNameConsent\(consent: Boolean!\): IdentityLabel! @authenticated\n/);
  expect(supergraphSdl).toMatch(
    /myIdentityData: MyIdentityData @join__field\(graph: IDENTITY_LABELS\) @authenticated\n/,
  );
  // Nothing else: the feed and the policy are open to anyone.
  expect(supergraphSdl.match(/ @authenticated\n/g)).toHaveLength(2);
  expect(Object.keys(fieldsOf(apiSchema, 'Query'))).toContain('disclosurePolicy');
});

it("gives the router's clients User and Post with the fields of all three subgraphs", () => {
  const { apiSchema } = composeSupergraph(localSubgraphs(URLS));
  expect(fieldsOf(apiSchema, 'User')).toEqual({
    id: 'ID!',
    nickname: 'String!',
    followerCount: 'Int!',
    displayName: 'String!',
    verifiedRealName: 'String',
    identityLabel: 'IdentityLabel!',
    ipLocation: 'IpLocation',
    qualifications: '[Qualification!]!',
    mcnAgency: 'McnAgency',
    mayPublishIn: 'Boolean!',
  });
  expect(fieldsOf(apiSchema, 'Post')).toEqual({
    id: 'ID!',
    text: 'String!',
    createdAt: 'String!',
    author: 'User!',
    category: 'String',
    displayName: 'String!',
    verifiedRealName: 'String',
    ipLocation: 'IpLocation',
    professionalLabel: 'String',
  });
  expect(fieldsOf(apiSchema, 'Qualification')).toEqual({
    field: 'ProfessionalField!',
    title: 'String!',
    issuer: 'String',
    label: 'String!',
    verifiedAt: 'DateTime!',
    expiresAt: 'DateTime',
  });
  expect(fieldsOf(apiSchema, 'McnAgency')).toEqual({ name: 'String!', label: 'String!' });
  expect(fieldsOf(apiSchema, 'IpLocation')).toEqual({
    label: 'String!',
    countryCode: 'String',
    regionCode: 'String',
    recordedAt: 'DateTime!',
  });
  expect(Object.keys(fieldsOf(apiSchema, 'Query')).sort()).toEqual([
    'disclosurePolicy',
    'feed',
    'myIdentityData',
    'user',
  ]);
});

it('fails with a readable reason when the users subgraph no longer provides the nickname identity-labels requires', () => {
  const subgraphs = localSubgraphs(URLS).map((subgraph): SubgraphSource => {
    if (subgraph.name !== 'users') return subgraph;
    return { ...subgraph, typeDefs: parse(print(subgraph.typeDefs).replace('nickname: String!', 'handle: String!')) };
  });
  expect(() => composeSupergraph(subgraphs)).toThrow(CompositionError);
  expect(() => composeSupergraph(subgraphs)).toThrow(/User\.nickname/);
});
