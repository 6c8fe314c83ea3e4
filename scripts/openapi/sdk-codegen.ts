/**
 * The SDK's generated half (packages/sdk/src/generated.ts) from an OpenAPI document: a TypeScript type for every
 * operation's path parameters, query, body and response, derived from their JSON Schemas, and one method per
 * operationId that hands the request to the hand-written runtime (packages/sdk/src/client.ts). Pure: the same
 * document always gives the same source (formatting is prettier's job).
 */
import {
  contentOf,
  operationsOf,
  successOf,
  type JsonSchema,
  type OpenApiDocument,
  type Parameter,
} from './document.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const key = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));
const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
const refName = (ref: string) => pascal(ref.slice(ref.lastIndexOf('/') + 1));

function jsdoc(...paragraphs: (string | undefined)[]): string {
  const text = paragraphs.filter(Boolean).join('\n\n').replaceAll('*/', '*\\/');
  return text
    ? `/**\n${text
        .split('\n')
        .map((l) => ` * ${l}`.trimEnd())
        .join('\n')}\n */\n`
    : '';
}

/** Parenthesized when it is a union or intersection at the top level (so that `[]`, `&` and `|` bind to all of it). */
function operand(t: string): string {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (t.startsWith('/**', i)) i = t.indexOf('*/', i) + 1;
    else if (c === '"') for (i++; t[i] !== '"'; i++) i += Number(t[i] === '\\');
    else if ('{[(<'.includes(c)) depth++;
    else if ('}])>'.includes(c)) depth--;
    else if (depth === 0 && (c === '|' || c === '&')) return `(${t})`;
  }
  return t;
}

const union = (types: string[]) => {
  const unique = [...new Set(types)];
  return unique.includes('unknown') ? 'unknown' : unique.join(' | ');
};

function objectType(s: JsonSchema): string {
  const required = new Set(s.required ?? []);
  const members = Object.entries(s.properties ?? {}).map(
    ([name, p]) => `${jsdoc(p.description)}${key(name)}${required.has(name) ? '' : '?'}: ${tsType(p)};`,
  );
  const extra = s.additionalProperties;
  const extraType = extra === undefined || extra === true ? 'unknown' : extra === false ? undefined : tsType(extra);
  if (members.length === 0) return extraType ? `Record<string, ${extraType}>` : 'Record<string, never>';
  // Declared properties plus a catch-all: the index signature has to admit the declared ones too.
  if (extraType && extra !== undefined) members.push('[key: string]: unknown;');
  return `{ ${members.join(' ')} }`;
}

function typeNamed(t: string, s: JsonSchema): string {
  switch (t) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      if (s.prefixItems) return `[${s.prefixItems.map(tsType).join(', ')}]`;
      return `${operand(s.items ? tsType(s.items) : 'unknown')}[]`;
    case 'object':
      return objectType(s);
    default:
      return 'unknown';
  }
}

/** The TypeScript type of the values `s` admits (as far as a type can say: no ranges, lengths or patterns). */
export function tsType(s: JsonSchema): string {
  if (s.$ref) return refName(s.$ref);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return union(s.enum.map((v) => JSON.stringify(v)));
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return union(alternatives.map((a) => operand(tsType(a))));
  if (s.allOf) return s.allOf.map((a) => operand(tsType(a))).join(' & ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
  return types.length ? union(types.map((t) => typeNamed(t, s))) : 'unknown';
}

function parametersType(params: Parameter[]): string {
  return objectType({
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, { ...p.schema, description: p.description }])),
    required: params.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  });
}

export function generateSdk(doc: OpenApiDocument): string {
  const types: string[] = [];
  const methods: string[] = [];
  // Many operations share a shape (every `/me`-like response, a campaign…): the second one is an alias of the first.
  const named = new Map<string, string>();
  const declare = (name: string, type: string, description?: string) => {
    types.push(`${jsdoc(description)}export type ${name} = ${named.get(type) ?? type};`);
    if (!named.has(type)) named.set(type, name);
  };
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    declare(pascal(name), tsType(schema), schema.description);
  }
  for (const { method, path, op } of operationsOf(doc)) {
    const base = pascal(op.operationId);
    const input: string[] = [];
    const parameters = op.parameters ?? [];
    for (const [where, suffix] of [
      ['path', 'Params'],
      ['query', 'Query'],
    ] as const) {
      const params = parameters.filter((p) => p.in === where);
      if (params.length === 0) continue;
      declare(`${base}${suffix}`, parametersType(params));
      const optional = params.every((p) => !p.required);
      input.push(`${where === 'path' ? 'params' : 'query'}${optional ? '?' : ''}: ${base}${suffix};`);
    }
    // A body that is not JSON (a CSV upload) is sent as it is, with its media type.
    const body = contentOf(op.requestBody?.content);
    if (body?.json) declare(`${base}Body`, tsType(body.schema));
    if (body) input.push(`body${op.requestBody?.required ? '' : '?'}: ${body.json ? `${base}Body` : 'RawBody'};`);
    const rawBody = body && !body.json ? `, ${JSON.stringify(body.mediaType)}` : '';
    // A response that is not JSON (a CSV export) arrives as text.
    const success = successOf(op)?.body;
    const response = !success ? 'void' : success.json ? `${base}Response` : 'string';
    if (success?.json) declare(response, tsType(success.schema));
    const optional = input.every((member) => /^\w+\?/.test(member));
    const signature = input.length
      ? `input: { ${input.join(' ')} }${optional ? ' = {}' : ''}, options?: RequestOptions`
      : 'input: Record<string, never> = {}, options?: RequestOptions';
    const permission = op['x-akashic-action'] ? ` · needs \`${op['x-akashic-action']}\`` : '';
    methods.push(
      `${jsdoc(op.summary, op.description, `\`${method} ${path}\`${permission}`)}${op.operationId}: (${signature}) =>` +
        ` send<${response}>(${JSON.stringify(method)}, ${JSON.stringify(path)}, input, options${rawBody}),`,
    );
  }
  return [
    '// Generated from the OpenAPI document by `npm run sdk:generate` (scripts/generate-sdk.ts). Do not edit:',
    '// a test fails when this file and the routes disagree.',
    "import type { RawBody, RequestOptions, Send } from './client.js';",
    '',
    `/** The API version this SDK was generated from (\`info.version\` of the OpenAPI document). */`,
    `export const API_VERSION = ${JSON.stringify(doc.info.version)};`,
    '',
    ...types,
    '',
    '/** One method per operation, sending through `send` (the client runtime). */',
    'export const operations = (send: Send) => ({',
    ...methods,
    '});',
    '',
    'export type Operations = ReturnType<typeof operations>;',
    '',
  ].join('\n');
}
