/**
 * The GraphQL schema, derived at boot from the route declarations: every GET `user`/`org` route is a Query field,
 * every other `user`/`org` route a Mutation field, named by its operationId. Arguments come from the params and
 * query schemas (one argument per field) and the body schema (`input`); result types from the response schema.
 * Each resolver runs the route through the same pipeline as REST (`ExecuteRoute`): there is no second
 * implementation of any operation. Public routes (sign-in, sign-up, ...) stay REST-only.
 *
 * Types are named by where they sit, `<OperationId>Result<Field>...` and `<OperationId>Input<Field>...`, so a name
 * never depends on the order of the routes; two routes that would produce the same name fail the build.
 */
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  valueFromASTUntyped,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputType,
  type GraphQLOutputType,
  type ThunkObjMap,
} from 'graphql';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExecuteRoute, PreparedRoute, RawInput } from '../register.js';

/** What every resolver receives: the HTTP request carrying the credentials and org header, and its reply. */
export interface GraphQLContext {
  req: FastifyRequest;
  reply: FastifyReply;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  description?: string;
};

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
/** The argument that carries a route's body. */
export const BODY_ARG = 'input';

/** Open records, unions and anything else GraphQL cannot type: passed through as JSON. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (open records and unions of the REST schema)',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const validName = (s: string) => NAME.test(s) && !s.startsWith('__');

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
}

/** `X | null` (as anyOf/oneOf or a type array) → X, nullable. */
function unwrapNullable(s: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const rest = branches.filter((b) => b.type !== 'null');
    if (rest.length === 1 && rest.length < branches.length) return { schema: rest[0]!, nullable: true };
  }
  if (Array.isArray(s.type) && s.type.includes('null')) {
    const rest = s.type.filter((t) => t !== 'null');
    if (rest.length === 1) return { schema: { ...s, type: rest[0] }, nullable: true };
  }
  return { schema: s, nullable: false };
}

/** Builds the named types (inputs and outputs share one namespace), refusing a name given twice. */
class Types {
  private readonly names = new Map<string, string>();

  constructor(reserved: string[]) {
    for (const n of reserved) this.names.set(n, 'a built-in type');
  }

  claim(name: string, origin: string): string {
    if (!validName(name)) throw new Error(`GraphQL: ${origin} gives the invalid type name "${name}"`);
    const previous = this.names.get(name);
    if (previous) throw new Error(`GraphQL: type name ${name} of ${origin} collides with ${previous}`);
    this.names.set(name, origin);
    return name;
  }

  /** Scalars and enums (the same in both directions); undefined for objects and arrays. */
  leaf(s: JsonSchema, name: string, origin: string): GraphQLScalarType | GraphQLEnumType | undefined {
    if (s.enum) {
      const values = s.enum;
      if (
        values.length &&
        values.every((v) => typeof v === 'string' && validName(v) && !/^(true|false|null)$/.test(v))
      ) {
        return new GraphQLEnumType({
          name: this.claim(name, origin),
          values: Object.fromEntries((values as string[]).map((v) => [v, { value: v }])),
        });
      }
      return values.every((v) => typeof v === 'string') ? GraphQLString : JSONScalar;
    }
    if (s.const !== undefined) return typeof s.const === 'string' ? GraphQLString : JSONScalar;
    switch (s.type) {
      case 'string':
        return GraphQLString;
      case 'boolean':
        return GraphQLBoolean;
      case 'number':
        return GraphQLFloat;
      case 'integer':
        // GraphQL's Int is 32-bit: wider integers are Floats on the wire (the same JSON numbers as REST).
        return s.minimum !== undefined && s.maximum !== undefined && s.minimum >= INT32.min && s.maximum <= INT32.max
          ? GraphQLInt
          : GraphQLFloat;
    }
    return undefined;
  }

  /** The fields of an object schema, when GraphQL can name every one. */
  static fieldsOf(s: JsonSchema): [string, JsonSchema][] | undefined {
    if (s.type !== 'object' || !s.properties) return undefined;
    const entries = Object.entries(s.properties);
    return entries.length && entries.every(([k]) => validName(k)) ? entries : undefined;
  }

  output(s: JsonSchema, name: string, origin: string): GraphQLOutputType {
    const leaf = this.leaf(s, name, origin);
    if (leaf) return leaf;
    const fields = Types.fieldsOf(s);
    if (fields) {
      const required = new Set(s.required ?? []);
      const config: ThunkObjMap<GraphQLFieldConfig<unknown, unknown>> = {};
      for (const [key, field] of fields) {
        const { schema, nullable } = unwrapNullable(field);
        const type = this.output(schema, name + pascal(key), `${origin}.${key}`);
        config[key] = {
          type: required.has(key) && !nullable ? new GraphQLNonNull(type) : type,
          ...(field.description ? { description: field.description } : {}),
        };
      }
      return new GraphQLObjectType({ name: this.claim(name, origin), fields: config });
    }
    if (s.type === 'array' && s.items && !Array.isArray(s.items)) {
      const { schema, nullable } = unwrapNullable(s.items);
      const item = this.output(schema, name, origin);
      return new GraphQLList(nullable ? item : new GraphQLNonNull(item));
    }
    return JSONScalar;
  }

  input(s: JsonSchema, name: string, origin: string): GraphQLInputType {
    const leaf = this.leaf(s, name, origin);
    if (leaf) return leaf;
    const fields = Types.fieldsOf(s);
    if (fields) {
      return new GraphQLInputObjectType({
        name: this.claim(name, origin),
        fields: Object.fromEntries(fields.map(([key, field]) => [key, this.argument(s, key, field, name, origin)])),
      });
    }
    if (s.type === 'array' && s.items && !Array.isArray(s.items)) {
      const { schema, nullable } = unwrapNullable(s.items);
      const item = this.input(schema, name, origin);
      return new GraphQLList(nullable ? item : new GraphQLNonNull(item));
    }
    return JSONScalar;
  }

  /** A field of an input object (or an argument): non-null when the schema requires it and has no default. */
  argument(parent: JsonSchema, key: string, field: JsonSchema, parentName: string, origin: string) {
    const { schema, nullable } = unwrapNullable(field);
    const type = this.input(schema, parentName + pascal(key), `${origin}.${key}`);
    const required = (parent.required ?? []).includes(key) && !nullable && field.default === undefined;
    return {
      type: required ? new GraphQLNonNull(type) : type,
      ...(field.description ? { description: field.description } : {}),
    };
  }
}

interface FieldPlan {
  config: GraphQLFieldConfig<unknown, GraphQLContext>;
  mutation: boolean;
}

function fieldOf(prepared: PreparedRoute, types: Types, execute: ExecuteRoute): FieldPlan {
  const { route, responseSchema } = prepared;
  const id = route.operationId;
  if (!validName(id)) throw new Error(`GraphQL: operationId "${id}" is not a valid GraphQL field name`);
  const Op = pascal(id);

  const args: GraphQLFieldConfigArgumentMap = {};
  const argOrigin = new Map<string, string>();
  const take = (name: string, origin: string) => {
    const previous = argOrigin.get(name);
    if (previous) throw new Error(`GraphQL: argument ${name} of ${origin} collides with ${previous}`);
    argOrigin.set(name, origin);
  };
  const located: Record<'params' | 'query', string[]> = { params: [], query: [] };
  for (const where of ['params', 'query'] as const) {
    const schema = route.schemas[where];
    if (!schema) continue;
    const js = toJsonSchema(schema, 'input');
    for (const [key, field] of Object.entries(js.properties ?? {})) {
      if (!validName(key)) throw new Error(`GraphQL: ${id} ${where}.${key} is not a valid GraphQL argument name`);
      take(key, `${id} ${where}.${key}`);
      located[where].push(key);
      args[key] = types.argument(js, key, field, `${Op}${pascal(where === 'params' ? 'Param' : 'Arg')}`, id);
    }
  }
  const hasBody = route.schemas.body !== undefined;
  if (hasBody) {
    take(BODY_ARG, `${id} body`);
    const { schema, nullable } = unwrapNullable(toJsonSchema(route.schemas.body!, 'input'));
    const type = types.input(schema, `${Op}Input`, `${id} body`);
    args[BODY_ARG] = { type: nullable ? type : new GraphQLNonNull(type), description: 'The request body' };
  }

  // Routes without a body (204) answer `true` once done.
  let type: GraphQLOutputType = new GraphQLNonNull(GraphQLBoolean);
  if (responseSchema) {
    const { schema, nullable } = unwrapNullable(toJsonSchema(responseSchema, 'output'));
    const out = types.output(schema, `${Op}Result`, `${id} response`);
    type = nullable ? out : new GraphQLNonNull(out);
  }

  const pick = (args: Record<string, unknown>, keys: string[]) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) if (args[k] !== undefined) out[k] = args[k];
    return out;
  };
  return {
    mutation: route.method !== 'GET',
    config: {
      type,
      description: route.description ? `${route.summary}\n\n${route.description}` : route.summary,
      args,
      // The route's own pipeline; its JSON body (exactly what REST writes) becomes the field's value.
      async resolve(_source, args: Record<string, unknown>, ctx) {
        const raw: RawInput = {
          params: pick(args, located.params),
          query: pick(args, located.query),
          body: hasBody ? args[BODY_ARG] : undefined,
        };
        const json = await execute(prepared, raw, ctx.req, ctx.reply);
        return json === undefined ? true : JSON.parse(json as string);
      },
    },
  };
}

export function buildGraphQLSchema(routes: PreparedRoute[], execute: ExecuteRoute): GraphQLSchema {
  const reserved = ['Query', 'Mutation', 'JSON', 'String', 'Int', 'Float', 'Boolean', 'ID'];
  const types = new Types(reserved);
  const query: Record<string, GraphQLFieldConfig<unknown, GraphQLContext>> = {};
  const mutation: Record<string, GraphQLFieldConfig<unknown, GraphQLContext>> = {};
  for (const prepared of routes) {
    // Public routes, and routes streaming a non-JSON body in or out (REST only).
    if (prepared.route.auth === 'public' || prepared.route.consumes || prepared.route.produces) continue;
    const plan = fieldOf(prepared, types, execute);
    (plan.mutation ? mutation : query)[prepared.route.operationId] = plan.config;
  }
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: query }),
    ...(Object.keys(mutation).length
      ? { mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutation }) }
      : {}),
  });
}
