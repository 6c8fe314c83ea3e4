/**
 * Event-type filters of webhook endpoints: `*`, `module.*`, `module.entity.*` or an exact `module.entity.verb`
 * (contracts `EventTypeFilter`). A `*` stands for the remaining tokens, never for part of one.
 */
export function typeMatches(filter: string, type: string): boolean {
  if (filter === '*') return true;
  if (filter.endsWith('.*')) return type.startsWith(filter.slice(0, -1));
  return filter === type;
}

export const matchesAny = (filters: readonly string[], type: string): boolean =>
  filters.some((f) => typeMatches(f, type));
