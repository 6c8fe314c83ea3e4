/**
 * Response projection: keep exactly the fields a response schema declares, recursively, so a handler can never
 * leak a column it did not mean to return. Compiled once per route from the schema's JSON Schema; the result
 * is then serialized by the native JSON.stringify (cheaper here than a generated serializer, which escapes
 * strings in JavaScript and allocates far more per request).
 */
import { z } from 'zod';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

export type Projector = (value: unknown) => unknown;

const identity: Projector = (v) => v;

function compile(schema: JsonSchema): Projector {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    // Nullable and similar unions: project with the one structured branch; leave other unions as they are.
    const structured = branches.filter((b) => b.properties || b.items);
    return structured.length === 1 ? compile(structured[0]!) : identity;
  }
  if (schema.properties) {
    const fields = Object.entries(schema.properties).map(([k, s]) => [k, compile(s)] as const);
    return objectProjector(fields);
  }
  if (schema.items) {
    const item = compile(schema.items);
    return item === identity ? identity : (v) => (Array.isArray(v) ? v.map(item) : v);
  }
  return identity;
}

/**
 * An object's projector is generated code with the declared keys as literals: `{ "id": v["id"], ... }` reads and
 * builds every field through monomorphic, named property accesses and one object shape, where a loop over keys would
 * go megamorphic in every response. A declared field the value lacks comes out `undefined`, which JSON omits.
 * Keys are schema keys (our code, not input) and are embedded as JSON string literals.
 */
function objectProjector(fields: (readonly [string, Projector])[]): Projector {
  if (fields.some(([k]) => k === '__proto__')) {
    return (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, p] of fields)
        if (src[k] !== undefined) Object.defineProperty(out, k, { value: p(src[k]), enumerable: true });
      return out;
    };
  }
  const subs = fields.map(([, p]) => p);
  const props = fields.map(([k, p], i) => {
    const key = JSON.stringify(k);
    return `${key}: ${p === identity ? `v[${key}]` : `p${i}(v[${key}])`}`;
  });
  const body =
    `return function project(v) {\n` +
    `  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;\n` +
    `  return { ${props.join(', ')} };\n` +
    `};`;
  return new Function(...subs.map((_, i) => `p${i}`), body)(...subs) as Projector;
}

export function compileProjector(schema: z.ZodType): Projector {
  return compile(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema);
}
