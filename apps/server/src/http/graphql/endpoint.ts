/**
 * `POST /api/graphql` (queries and mutations) and `GET /api/graphql` (queries only, e.g. persisted ones). Before
 * anything runs: the request envelope is checked, the document resolved (persisted queries), bounded in size and
 * tokens, parsed, validated, and measured against the depth and complexity limits. Then every field runs its
 * route through the REST pipeline (schema.ts), each mutation field in its own transaction, in order.
 *
 * A request refused before execution answers with the status of its error; an executed one with 200, its field
 * errors in `errors` (code, status and field errors as in problem+json: platform/errors.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  execute,
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
} from 'graphql';
import { z } from 'zod';
import type { GraphQLConfig } from '../../config.js';
import { sha256Hex } from '../../platform/crypto.js';
import { AppError, toAppError, toGraphQLError, type FieldError, type GraphQLErrorBody } from '../../platform/errors.js';
import { fieldErrors, type ExecuteRoute, type PreparedRoute } from '../register.js';
import { measure } from './limits.js';
import { createQueryStore } from './persisted.js';
import { buildGraphQLSchema, type GraphQLContext } from './schema.js';

export const GRAPHQL_PATH = '/api/graphql';
const JSON_TYPE = 'application/json; charset=utf-8';
/** Tokens per byte of the largest document: generous for real queries, fatal to token floods. */
const TOKENS_PER_KB = 200;

const Envelope = z.object({
  query: z.string().optional(),
  operationName: z.string().nullish(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  extensions: z
    .looseObject({
      persistedQuery: z
        .object({
          version: z.literal(1),
          sha256Hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
        })
        .optional(),
    })
    .nullish(),
});
type Envelope = z.infer<typeof Envelope>;

interface Outcome {
  status: number;
  body: { data?: unknown; errors?: GraphQLErrorBody[] };
}

export function registerGraphQL(
  app: FastifyInstance,
  routes: PreparedRoute[],
  executeRoute: ExecuteRoute,
  config: GraphQLConfig,
): void {
  const schema = buildGraphQLSchema(routes, executeRoute);
  const store = createQueryStore(config);
  const rules = config.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const maxTokens = Math.ceil((config.maxDocumentBytes / 1024) * TOKENS_PER_KB);

  /** The envelope, from a JSON body (POST) or the query string, whose `variables` and `extensions` are JSON text. */
  function envelopeOf(req: FastifyRequest): Envelope {
    let raw = req.body;
    const location = req.method === 'GET' ? 'query' : 'body';
    if (location === 'query') {
      const query = { ...(req.query as Record<string, unknown>) };
      const fields: FieldError[] = [];
      for (const key of ['variables', 'extensions'] as const) {
        const text = query[key];
        if (typeof text !== 'string') continue;
        try {
          query[key] = JSON.parse(text);
        } catch {
          fields.push({ field: `query.${key}`, message: 'must be JSON' });
        }
      }
      if (fields.length) throw new AppError('validation_failed', 'The request has invalid fields', { fields });
      raw = query;
    }
    const parsed = Envelope.safeParse(raw);
    if (!parsed.success) {
      throw new AppError('validation_failed', 'The request has invalid fields', {
        fields: fieldErrors(location, parsed.error),
      });
    }
    return parsed.data;
  }

  /** The document to run: sent, persisted, or both (which registers it). */
  function documentOf(envelope: Envelope): { query: string; register: string | undefined } {
    const hash = envelope.extensions?.persistedQuery?.sha256Hash;
    const { query } = envelope;
    if (query !== undefined && Buffer.byteLength(query) > config.maxDocumentBytes) {
      throw new AppError('payload_too_large', `The query document exceeds ${config.maxDocumentBytes} bytes`);
    }
    if (hash === undefined) {
      if (query === undefined) {
        throw new AppError('validation_failed', 'Send a query or a persisted query hash', {
          fields: [{ field: 'query', message: 'required' }],
        });
      }
      if (store.allowlistOnly && store.get(sha256Hex(query)) === undefined) {
        throw new AppError('forbidden', 'Only allow-listed queries run on this server');
      }
      return { query, register: undefined };
    }
    if (query === undefined) {
      const known = store.get(hash);
      if (known === undefined) throw new AppError('persisted_query_not_found', 'PersistedQueryNotFound');
      return { query: known, register: undefined };
    }
    if (sha256Hex(query) !== hash) {
      throw new AppError('validation_failed', 'The persisted query hash does not match the query', {
        fields: [{ field: 'extensions.persistedQuery.sha256Hash', message: 'is not the SHA-256 of the query' }],
      });
    }
    if (store.allowlistOnly && store.get(hash) === undefined) {
      throw new AppError('forbidden', 'Only allow-listed queries run on this server');
    }
    return { query, register: hash };
  }

  const invalid = (errors: readonly GraphQLError[]): Outcome => ({
    status: 400,
    body: { errors: errors.map((e) => toGraphQLError(new AppError('invalid_query', e.message), e)) },
  });

  async function run(req: FastifyRequest, reply: FastifyReply): Promise<Outcome> {
    const envelope = envelopeOf(req);
    const { query, register } = documentOf(envelope);
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens });
    } catch (err) {
      if (err instanceof GraphQLError) return invalid([err]);
      throw err;
    }
    const errors = validate(schema, document, rules);
    if (errors.length) return invalid(errors);

    const operationName = envelope.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      throw new AppError(
        'invalid_query',
        operationName
          ? `The document has no operation named "${operationName}"`
          : 'The document has several operations: name the one to run in operationName',
      );
    }
    if (req.method === 'GET' && operation.operation !== 'query') {
      throw new AppError('method_not_allowed', `Only queries run over GET: send a ${operation.operation} with POST`);
    }
    const cost = measure(schema, document, operation);
    if (cost.depth > config.maxDepth) {
      throw new AppError(
        'query_too_complex',
        `The query is ${cost.depth} fields deep; the limit is ${config.maxDepth}`,
      );
    }
    if (cost.complexity > config.maxComplexity) {
      throw new AppError(
        'query_too_complex',
        `The query's complexity is ${cost.complexity}; the limit is ${config.maxComplexity}`,
      );
    }
    if (register) store.register(register, query);

    const contextValue: GraphQLContext = { req, reply };
    const result = await execute({
      schema,
      document,
      operationName,
      variableValues: envelope.variables ?? undefined,
      contextValue,
    });
    const body: Outcome['body'] = {};
    if (result.errors?.length) body.errors = result.errors.map((e) => formatFieldError(req, e));
    // No data at all: the variables were refused before any field ran.
    if (!('data' in result)) return { status: 400, body };
    body.data = result.data;
    return { status: 200, body };
  }

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    let outcome: Outcome;
    try {
      outcome = await run(req, reply);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      outcome = { status: err.status, body: { errors: [toGraphQLError(err)] } };
    }
    return reply.status(outcome.status).type(JSON_TYPE).send(JSON.stringify(outcome.body));
  };
  app.post(GRAPHQL_PATH, handler);
  app.get(GRAPHQL_PATH, handler);
}

/**
 * A field's error carries its `AppError` (thrown by the pipeline or the handler); errors graphql-js raises itself
 * are `invalid_query` before execution (no path) and `internal` during it (a value that does not fit its type).
 */
function formatFieldError(req: FastifyRequest, e: GraphQLError): GraphQLErrorBody {
  const original = e.originalError;
  let err: AppError;
  if (original instanceof AppError) err = original;
  else if (!e.path) err = new AppError('invalid_query', e.message);
  else err = toAppError(original instanceof GraphQLError ? original.originalError : (original ?? e));
  if (err.status >= 500) req.log.error({ err: original ?? e, path: e.path }, 'GraphQL field failed');
  return toGraphQLError(err, e);
}
