// `_entities`, resolved in one step: every representation is checked, the labels of all of them are loaded
// in one batch (the request's DataLoader: one query, duplicates asked once), and the entities come back as
// plain values. The federation library's resolver calls __resolveReference for each representation and
// wraps each result in promises; with 100-1,000 references a request, that per-entity work was a large
// share of the read path. Results, errors and their paths are the same: a bad representation is an error
// for its own item (graphql-js reports an Error value in a list at that item's path).
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { RequestContext } from './context';
import { isIdentityUnavailable } from '../errors';
import { postReference, userReference, type EntityReference, type Representation } from './references';

const READ_REFERENCE: Record<string, (representation: Representation) => EntityReference> = {
  User: userReference,
  Post: postReference,
};

type EntitiesResolver = GraphQLFieldResolver<unknown, RequestContext, { representations: Representation[] }>;

function readReference(representation: Representation): EntityReference | Error {
  try {
    return READ_REFERENCE[representation.__typename as string](representation);
  } catch (error) {
    return error as Error;
  }
}

function resolveEntitiesInOneBatch(libraryResolver: EntitiesResolver): EntitiesResolver {
  return async (source, args, context, info) => {
    const { representations } = args;
    // Anything but our two entity types: the library's answer (its errors for unknown types included).
    if (
      !representations.every((representation) => Object.hasOwn(READ_REFERENCE, representation.__typename as string))
    ) {
      return libraryResolver(source, args, context, info);
    }
    const references = representations.map(readReference);
    const userIds: string[] = [];
    for (const reference of references) {
      if (!(reference instanceof Error) && reference.userId !== null) userIds.push(reference.userId);
    }
    const labels = await context.identities.loadMany(userIds); // an Error in place of a label that failed
    let next = 0;
    return references.map((reference) => {
      if (reference instanceof Error) return reference;
      if (reference.userId === null) return reference.entity(null);
      const label = labels[next++];
      // Without the database the entity still resolves (its fields degrade); any other error is the item's.
      if (label instanceof Error && !isIdentityUnavailable(label)) return label;
      return reference.entity(label);
    });
  };
}

/** Puts the one-batch resolver in front of the federation library's `_entities`. */
export function resolveEntitiesInBatches(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  if (field?.resolve === undefined) throw new Error('the subgraph schema has no _entities resolver');
  field.resolve = resolveEntitiesInOneBatch(field.resolve as EntitiesResolver) as typeof field.resolve;
}
