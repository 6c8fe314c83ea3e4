/**
 * The console's service worker, built by Workbox injectManifest (vite.config.ts):
 * - precaches the app shell (index.html and the hashed assets of this build) and answers navigations with it, so
 *   the console opens offline;
 * - caches API reads network-first: the network answers whenever it can, the last answer (per URL and organization)
 *   only when it cannot, marked with when the server sent it (CACHED_AT_HEADER). The page deletes this cache on
 *   sign-out (src/pwa.ts);
 * - waits when a new version is installed until the page asks it to take over (the "new version" prompt);
 * - shows push notifications and opens their page when clicked.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import {
  API_CACHE,
  CACHED_AT_HEADER,
  ORG_HEADER,
  apiCacheKey,
  notificationTarget,
  type PushPayload,
  type ToServiceWorker,
} from './shared';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Paths the server answers itself (API, reference docs, operations): never the console's index.html.
const SERVER_PATHS = [/^\/api\//, /^\/docs(\/|$)/, /^\/(health|live|ready|metrics)$/];
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: SERVER_PATHS }));

registerRoute(
  // Not the live event stream (GET /api/v1/realtime, text/event-stream): it never ends, so it can be neither cached
  // nor answered offline; the browser talks to the server directly.
  ({ url, request, sameOrigin }) =>
    sameOrigin &&
    request.method === 'GET' &&
    url.pathname.startsWith('/api/v1/') &&
    url.pathname !== '/api/v1/realtime' &&
    !(request.headers.get('accept') ?? '').includes('text/event-stream'),
  new NetworkFirst({
    cacheName: API_CACHE,
    plugins: [
      {
        cacheKeyWillBeUsed: async ({ request }) => apiCacheKey(request.url, request.headers.get(ORG_HEADER)),
        // Only successful JSON reads: never an error, a redirect or a download (CSV exports stream).
        cacheWillUpdate: async ({ response }) =>
          response.status === 200 && (response.headers.get('content-type') ?? '').startsWith('application/json')
            ? response
            : null,
        // Answered from the cache (the network failed): say since when, so the page can tell the person.
        cachedResponseWillBeUsed: async ({ cachedResponse }) => {
          if (!cachedResponse) return null;
          const headers = new Headers(cachedResponse.headers);
          headers.set(CACHED_AT_HEADER, cachedResponse.headers.get('date') ?? new Date(0).toUTCString());
          return new Response(cachedResponse.body, {
            status: cachedResponse.status,
            statusText: cachedResponse.statusText,
            headers,
          });
        },
      },
    ],
  }),
);

self.addEventListener('message', (event) => {
  const data = event.data as ToServiceWorker | undefined;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first install controls the open page at once (there is no older version to keep consistent with).
clientsClaim();

self.addEventListener('push', (event) => {
  let payload: Partial<PushPayload> = {};
  try {
    payload = (event.data?.json() ?? {}) as Partial<PushPayload>;
  } catch {
    payload = { body: event.data?.text() ?? '' };
  }
  const title = typeof payload.title === 'string' && payload.title ? payload.title : 'Akashic Intelligence';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof payload.body === 'string' ? payload.body : '',
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-maskable-192.png',
      tag: typeof payload.type === 'string' ? payload.type : undefined,
      data: { url: notificationTarget(payload.url, self.location.origin) },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const given = new URL((event.notification.data as { url?: string } | null)?.url ?? '/', self.location.origin);
  const target = given.origin === self.location.origin ? given.href : `${self.location.origin}/`;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window' });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        const focused = await open.focus();
        if (await focused.navigate(target).catch(() => null)) return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});
