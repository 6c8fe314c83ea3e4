/**
 * Validation on the device for changes recorded offline: the same zod schema the server applies, its issues as the
 * problem+json a REST route would answer (`body.<field>`), so forms show them on their fields before anything is
 * queued.
 */
import { ApiError } from '../../../api.js';

/** A zod schema, as far as this reads it (the web app takes its schemas from @akashic/contracts). */
interface Schema<T> {
  safeParse(
    v: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

export function checkLocally<T>(schema: Schema<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ field: ['body', ...i.path.map(String)].join('.'), message: i.message }));
  throw new ApiError({
    type: 'https://akashic.dev/problems/validation_failed',
    title: 'Validation failed',
    status: 400,
    code: 'validation_failed',
    detail: errors.map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`).join('; '),
    errors,
  });
}
