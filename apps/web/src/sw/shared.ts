/**
 * What the console page and its service worker (src/sw/sw.ts) agree on. No DOM or worker globals here: the module is
 * compiled into both.
 */

/** The run-time cache of API reads (GET /api/v1/…): one signed-in user's data, deleted on sign-out. */
export const API_CACHE = 'akashic-api-v1';

/** The request header that selects the organization; API reads are cached per organization. */
export const ORG_HEADER = 'x-akashic-org';

/**
 * On an API read the service worker answered from its cache (no network): when the server first sent it (its `Date`
 * header), so the page can say how old what it shows is.
 */
export const CACHED_AT_HEADER = 'x-akashic-cached-at';

/** Messages the page posts to the service worker. */
export type ToServiceWorker = { type: 'SKIP_WAITING' };

/** What the server puts in a push message (apps/server/src/platform/push/send.ts encrypts it). */
export interface PushPayload {
  title: string;
  body: string;
  /** A same-origin path opened (or focused) when the notification is clicked. */
  url: string;
  /** The notification type (event_reminder, assignment, …): notifications of one type replace each other. */
  type: string;
}

/**
 * The cache key of an API read: its URL plus the organization it was read in, so that a page read for one organization
 * is never answered from another's cache entry (the Cache API matches on the URL alone).
 */
export function apiCacheKey(url: string, orgId: string | null): string {
  const u = new URL(url);
  u.searchParams.set('__org', orgId ?? '');
  return u.href;
}

/** Only same-origin paths are opened from a notification. */
export function notificationTarget(url: unknown, origin: string): string {
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\'))
    return origin + '/';
  return origin + url;
}
