// A guard for buildIdentitySchema (schema.ts): it serves User and Post fields from their values, without a
// resolver wrapper per field, so a field that only a resolver can answer (a @FieldResolver of a resolver
// class, or a field that is a method of its class) must be in the map it builds. Without this guard such a
// field would be dropped without a word: read as a plain property, or not at all.
import { isObjectType, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/** "User.ipLocation" */
export type FieldName = `${string}.${string}`;

function isMethodOf(prototype: object | null, property: string): boolean {
  for (let current = prototype; current !== null; current = Object.getPrototypeOf(current) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(current, property);
    if (descriptor !== undefined) return typeof descriptor.value === 'function';
  }
  return false;
}

/** The object-type fields of `schema` that need a resolver of their own (call after buildSchema). */
/** A resolver class, as type-graphql's metadata names it (its constructor). */
type ResolverClass = abstract new (...args: never[]) => unknown;

export function fieldsNeedingResolvers(schema: GraphQLSchema, resolverClasses: readonly ResolverClass[]): FieldName[] {
  const storage = getMetadataStorage();
  const inSchema = (typeName: string) => isObjectType(schema.getType(typeName));
  const fieldResolvers = storage.fieldResolvers
    .filter((resolver) => resolverClasses.some((resolverClass) => resolverClass === resolver.target))
    .map((resolver): FieldName => `${resolver.getObjectType?.().name ?? '?'}.${resolver.schemaName}`);
  const methods = storage.objectTypes
    .filter((type) => inSchema(type.name))
    .flatMap((type) =>
      (type.fields ?? [])
        .filter((field) => isMethodOf(type.target.prototype as object, field.name))
        .map((field): FieldName => `${type.name}.${field.schemaName}`),
    );
  return [...new Set([...fieldResolvers, ...methods])];
}

/** Those of `needed` that the resolver map leaves out. */
export function droppedFieldResolvers(
  needed: readonly FieldName[],
  resolvers: Readonly<Record<string, object>>,
): FieldName[] {
  return needed.filter((field) => {
    const [typeName = '', fieldName = ''] = field.split('.');
    return !(fieldName in (resolvers[typeName] ?? {}));
  });
}
