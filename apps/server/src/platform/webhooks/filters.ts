/**
 * Event-type filters of webhook endpoints: `*`, `module.*`, `module.entity.*` or an exact `module.entity.verb`
 * (contracts `EventTypeFilter`). A `*` stands for the remaining tokens, never for part of one.
 */
export function typeMatches(filter: string, type: string): boolean {
  if (filter === '*') return true;
  if (filter.endsWith('.*')) return type.startsWith(filter.slice(0, -1));
  return filter === type;
}

/**
 * Every filter that matches `type` — `*`, `module.*`, `module.entity.*` and the type itself — so that matching can be
 * done in SQL as an array overlap with an endpoint's filters: `typeMatches(filter, type)` holds exactly when
 * `filtersMatching(type)` includes `filter`.
 */
export function filtersMatching(type: string): string[] {
  const tokens = type.split('.');
  const out = ['*'];
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens.slice(0, i).join('.')}.*`);
  out.push(type);
  return out;
}
