// Known operations: a router sends the same few query documents over and over, with new variables each time.
// Once Apollo Server has parsed and validated a document (with the request limits), and graphql-jit has
// answered it without an error, the document's text is remembered with its compiled query. The next request
// that sends exactly that text is answered from here: no parse, no hash of the document, no plugin hooks,
// no negotiation, only what depends on this request (its representations, its viewer, its data).
//
// Anything else goes to Apollo, as before: a document not seen yet, a body with other members, an answer with
// an error (Apollo runs it again, with the same context: the rows the request read are not read twice), a
// request over the representation limit (Apollo refuses it, in its words). The answer is the one Apollo would
// send: the same JSON, the same cache header, the same content type (learned from Apollo, per Accept value).
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { markSpanFailed, tracingOn, withSpan } from '../observability/tracing';
import type { RequestContext } from './context';
import { errorCodes } from './executor';
import { asksOnlyPublicFields } from './plugins';

/** Where the `_entities` fields of a document take their representations from: inline lists, or variables. */
interface RepresentationSources {
  inline: number;
  variables: readonly string[];
}

export interface KnownOperation {
  query: CompiledQuery;
  /** The answer is the same for every viewer (the policy alone): it may be cached publicly. */
  isPublic: boolean;
  representations: RepresentationSources;
  spanName: string;
  spanAttributes: Record<string, string>;
}

/** What a request body must be to be answered here: these members and no other. */
interface OperationBody {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

function representationSources(document: DocumentNode, operation: OperationDefinitionNode): RepresentationSources {
  let inline = 0;
  const variables: string[] = [];
  // Fragments could hide an `_entities` field: then the document is not taken (Apollo counts them itself).
  if (document.definitions.length !== 1) return { inline: Number.POSITIVE_INFINITY, variables };
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return { inline: Number.POSITIVE_INFINITY, variables };
    if (selection.name.value !== '_entities') continue;
    const argument = selection.arguments?.find((candidate) => candidate.name.value === 'representations')?.value;
    if (argument?.kind === Kind.LIST) inline += argument.values.length;
    if (argument?.kind === Kind.VARIABLE) variables.push(argument.name.value);
  }
  return { inline, variables };
}

/** The body as this module takes it, or undefined: anything unusual is Apollo's to answer. */
function operationBody(body: unknown): OperationBody | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  for (const key in body) {
    if (key !== 'query' && key !== 'variables' && key !== 'operationName') return undefined;
  }
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return undefined;
  }
  return body as OperationBody;
}

export interface KnownAnswer {
  /** The JSON text Apollo would send (its serializer ends it with a newline). */
  body: string;
  cacheControl: string;
}

export interface KnownOperationSettings {
  /** Most documents remembered (least recently used go first), as for the compiled queries. */
  max: number;
  maxRepresentations: number;
  publicMaxAgeSeconds: number;
  /** Told of every operation answered here (metrics count graphql-jit executions). */
  onExecuted: () => void;
}

/** The longest document remembered: a router's are a few hundred characters (variables carry the data). */
const LONGEST_SOURCE_CHARS = 64 * 1024;
/** All documents remembered together, in characters. */
const KEPT_SOURCE_CHARS = 8 * 1024 * 1024;

export class KnownOperations {
  private readonly operations: LRUCache<string, KnownOperation>;
  private readonly publicValue: string;

  constructor(private readonly settings: KnownOperationSettings) {
    // Bounded by count and by the text kept: a document is held by its whole source, and a body may be large.
    this.operations = new LRUCache({
      max: settings.max,
      maxSize: KEPT_SOURCE_CHARS,
      maxEntrySize: LONGEST_SOURCE_CHARS,
      sizeCalculation: (_operation, key) => key.length,
    });
    this.publicValue = `public, max-age=${settings.publicMaxAgeSeconds}`;
  }

  /** How many documents are remembered. */
  get size(): number {
    return this.operations.size;
  }

  /** After Apollo validated the document and graphql-jit answered it without an error. */
  remember(
    source: string,
    operationName: string | null | undefined,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    query: CompiledQuery,
  ): void {
    const key = keyOf(source, operationName);
    if (this.operations.has(key)) return;
    const name = operation.name?.value;
    this.operations.set(key, {
      query,
      isPublic: asksOnlyPublicFields(operation),
      representations: representationSources(document, operation),
      spanName: name === undefined ? operation.operation : `${operation.operation} ${name}`,
      spanAttributes: {
        'graphql.operation.type': operation.operation,
        ...(name !== undefined && { 'graphql.operation.name': name }),
      },
    });
  }

  /** A runner for this body's operation when it is one answered before; undefined: Apollo answers it. */
  prepare(body: unknown): ((context: RequestContext) => Promise<KnownAnswer | undefined>) | undefined {
    const parsed = operationBody(body);
    if (parsed === undefined) return undefined;
    const operation = this.operations.get(keyOf(parsed.query, parsed.operationName));
    if (operation === undefined) return undefined;
    const variables = parsed.variables ?? undefined;
    if (!this.withinLimit(operation, variables)) return undefined;
    return (context) => this.answer(operation, variables, context);
  }

  /** Runs a known operation; undefined when its answer has an error (Apollo then answers, in its words). */
  private async answer(
    operation: KnownOperation,
    variables: Record<string, unknown> | undefined,
    context: RequestContext,
  ): Promise<KnownAnswer | undefined> {
    const run = async () => {
      const result = await operation.query.query(undefined, context, variables);
      if (result.errors !== undefined && result.errors.length > 0) markSpanFailed(errorCodes(result.errors));
      else this.settings.onExecuted(); // within the span: the executor is one of its attributes
      return result;
    };
    const result = await (tracingOn() ? withSpan(operation.spanName, operation.spanAttributes, run) : run());
    if ((result.errors !== undefined && result.errors.length > 0) || result.data === undefined) return undefined;
    const isPublic = operation.isPublic && this.settings.publicMaxAgeSeconds > 0 && result.data !== null;
    return { body: `${JSON.stringify(result)}\n`, cacheControl: isPublic ? this.publicValue : 'no-store' };
  }

  private withinLimit(operation: KnownOperation, variables: Record<string, unknown> | undefined): boolean {
    let total = operation.representations.inline;
    for (const name of operation.representations.variables) {
      const value = variables?.[name];
      if (Array.isArray(value)) total += value.length;
    }
    return total <= this.settings.maxRepresentations;
  }
}

/** Length first: no name and source can be cut to look like another pair. */
function keyOf(source: string, operationName: string | null | undefined): string {
  return operationName === undefined || operationName === null
    ? `-${source}`
    : `${operationName.length}:${operationName}${source}`;
}
