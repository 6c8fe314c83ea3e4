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
    return (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, p] of fields) {
        const x = src[k];
        if (x !== undefined) out[k] = p === identity ? x : p(x);
      }
      return out;
    };
  }
  if (schema.items) {
    const item = compile(schema.items);
    return item === identity ? identity : (v) => (Array.isArray(v) ? v.map(item) : v);
  }
  return identity;
}

export function compileProjector(schema: z.ZodType): Projector {
  return compile(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema);
}
