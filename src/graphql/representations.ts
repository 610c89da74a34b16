// Reading what the router sends to `_entities`: every representation is checked (its type, its key and the
// fields this subgraph @requires) before any label is loaded. A bad one is an error for its own item only.
import type { GraphQLError } from 'graphql';
import { badUserInput } from '../errors';
import { userIdProblem } from '../user-id';

/** A checked representation: whose label it needs (`userId`, null for none) and what the entity is built from. */
export type EntityReading =
  | { __typename: 'User'; id: string; userId: string; nickname: unknown }
  | { __typename: 'Post'; id: string; userId: string | null; authorNickname: unknown; category: unknown };

type Representation = Record<string, unknown>;

function isObject(value: unknown): value is Representation {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A user id from a representation; `where` names the field it came from. */
function requireUserId(value: unknown, where: string): string {
  const problem = userIdProblem(value);
  if (problem !== undefined) throw badUserInput(`${where} ${problem}`);
  return value as string; // userIdProblem found it to be a string
}

function readUser(representation: Representation): EntityReading {
  const id = requireUserId(representation.id, 'User representation "id"');
  return { __typename: 'User', id, userId: id, nickname: representation.nickname };
}

function readPost(representation: Representation): EntityReading {
  const id = representation.id;
  if (typeof id !== 'string' || id.length === 0) {
    throw badUserInput('Post representation "id" must be a non-empty string');
  }
  const author = representation.author;
  // Without its author, the post still resolves; the fields that @require the author say what is missing.
  const category = representation.category; // checked by the field that @requires it
  if (!isObject(author)) return { __typename: 'Post', id, userId: null, authorNickname: undefined, category };
  const userId = requireUserId(author.id, `Post ${id} representation "author.id"`);
  return { __typename: 'Post', id, userId, authorNickname: author.nickname, category };
}

const READERS: Record<string, (representation: Representation) => EntityReading> = {
  User: readUser,
  Post: readPost,
};

/** The reading of representation number `index`, or the error for that item alone. */
export function readRepresentation(value: unknown, index: number): EntityReading | GraphQLError {
  if (!isObject(value)) return badUserInput(`representation ${index} must be an object`);
  const typename = value.__typename;
  if (typeof typename !== 'string') return badUserInput(`representation ${index} has no __typename`);
  const read = Object.hasOwn(READERS, typename) ? READERS[typename] : undefined;
  if (read === undefined) {
    return badUserInput(
      `representation ${index} has __typename "${typename.slice(0, 64)}", which is not an entity of this subgraph`,
    );
  }
  try {
    return read(value);
  } catch (error) {
    return error as GraphQLError; // the readers throw only badUserInput
  }
}
