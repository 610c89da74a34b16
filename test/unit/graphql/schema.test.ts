// The checked-in SDL is the public contract: it must be exactly what the code serves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printIdentitySdl } from '../../../src/graphql/schema';
import { REPOSITORY_ROOT } from '../../support/paths';

const SCHEMA_FILE = join(REPOSITORY_ROOT, 'schema', 'identity-labels.graphql');

it('schema/identity-labels.graphql matches the code (run `npm run schema:print` after a reviewed change)', async () => {
  const sdl = await printIdentitySdl();
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(sdl);
});

it('declares the federation contract other subgraphs depend on', async () => {
  const sdl = await printIdentitySdl();
  const contract = [
    'type User @key(fields: "id")',
    'nickname: String! @external',
    'displayName: String! @requires(fields: "nickname")',
    'verifiedRealName: String\n',
    'identityLabel: IdentityLabel!',
    'type Post @key(fields: "id")',
    'author: User! @external',
    'displayName: String! @requires(fields: "author { id nickname }")',
    'verifiedRealName: String @requires(fields: "author { id }")',
    'disclosurePolicy: [PolicyStage!]!',
    // IP location: fields without arguments and, on Post, without @requires: the post's key is enough.
    'identityLabel: IdentityLabel!\n  """The most recent location recorded for the account."""\n  ipLocation: IpLocation\n',
    '"""Where the post was made from; null if none was recorded."""\n  ipLocation: IpLocation\n',
    'type IpLocation {',
    'label: String!',
    'countryCode: String\n',
    'regionCode: String\n',
    'recordedAt: DateTime!',
    'enum DisclosureStatus',
    // Professional labels (issue 21): public, no viewer gate; a post's needs its author and category.
    'qualifications: [Qualification!]!',
    'mcnAgency: McnAgency\n',
    'mayPublishIn(field: ProfessionalField!): Boolean!',
    'enum ProfessionalField {\n  """金融: finance."""\n  FINANCE',
    'category: String @external',
    'professionalLabel: String @requires(fields: "author { id } category")',
  ];
  for (const line of contract) expect(sdl).toContain(line);
  expect(sdl).toMatch(/^extend schema @link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
});
