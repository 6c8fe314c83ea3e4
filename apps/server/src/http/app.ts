/**
 * The HTTP server: Fastify with request ids, JSON logs, security headers, closed-by-default CORS,
 * problem+json errors, metrics, the operations endpoints, the API routes (REST and GraphQL), the API reference and
 * the console.
 */
import { requestLoggerFactory } from './request-logger.js';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { AppError, toAppError, toProblem } from '../platform/errors.js';
import { createMetrics } from '../platform/ops/metrics.js';
import type { Services } from '../services.js';
import { API_VERSION, buildOpenApi } from './openapi.js';
import { registerGraphQL } from './graphql/endpoint.js';
import { createRouteExecutor, prepareRoutes, registerRoutes } from './register.js';
import type { AnyRoute } from './route.js';
import { registerDocs } from './docs.js';
import { registerCompression } from './compress.js';

export { API_VERSION };
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/**
 * The built console's content-hashed files (Vite writes them under assets/): they never change under their name.
 * Everything else (index.html, the manifest, icons and above all the service worker `sw.js`) is revalidated on every
 * load, so a deployed version reaches browsers at once; `Service-Worker-Allowed: /` confirms the worker's scope.
 * Text files are sent as the build compressed them (`<file>.br`, `<file>.gz`: apps/web/scripts/compress.mjs), as
 * the request's Accept-Encoding allows; `Vary: Accept-Encoding` is set for every console response (onRequest).
 */
const WEB_ASSETS = /^assets\/[^/]+$/;
const PRECOMPRESSED = /\.(br|gz)$/;

/** Routes that are not declarations (operations, docs, static console): public by design. */
export const RAW_PUBLIC_PATHS = [
  '/health',
  '/live',
  '/ready',
  '/metrics',
  '/api/openapi.json',
  // Each GraphQL field runs its route declaration's own auth, scopes and Cedar action (http/graphql).
  '/api/graphql',
  '/docs',
  '/docs/*',
  '/*',
  '/',
];

/** Sent with every response (HSTS and cache-control are added per request where they apply). */
const SECURITY_HEADERS = Object.freeze({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "font-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
});

export interface BuiltApp {
  app: FastifyInstance;
  openapi: ReturnType<typeof buildOpenApi>;
}

export async function buildApp(services: Services, routes: AnyRoute[]): Promise<BuiltApp> {
  const { config, db, log } = services;
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A malformed URL or an over-long path parameter is rejected before routing: answer it as problem+json too.
    frameworkErrors: (err, req, reply: FastifyReply) =>
      reply
        .status(400)
        .type('application/problem+json')
        .send(toProblem(new AppError('validation_failed', err.message), String(req.id), req.url.split('?')[0])),
  });
  const metrics = createMetrics(db);
  const openapi = buildOpenApi(routes, { version: API_VERSION, serverUrl: config.publicUrl });

  // Hooks are synchronous callbacks and the constant headers one prebuilt object: they run on every request.
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    reply.header('x-request-id', req.id);
    const isApi = req.url.startsWith('/api/');
    if (isApi) reply.header('cache-control', 'no-store');
    // Anything else may be the console's files, sent compressed or not by the request's Accept-Encoding.
    else reply.header('vary', 'Accept-Encoding');
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=63072000; includeSubDomains');
    const origin = req.headers.origin;
    if (origin && config.corsOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', isApi ? 'Origin' : 'Origin, Accept-Encoding');
      if (req.method === 'OPTIONS') {
        reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
        reply.header('access-control-allow-headers', 'content-type, authorization, x-akashic-org, x-request-id');
        reply.header('access-control-max-age', '600');
        reply.status(204).send();
        return;
      }
    }
    done();
  });

  registerCompression(app);

  app.addHook('onResponse', (req, reply, done) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    if (appErr.retryAfter !== undefined) reply.header('retry-after', String(appErr.retryAfter));
    return reply
      .status(appErr.status)
      .type('application/problem+json')
      .send(toProblem(appErr, String(req.id), req.url.split('?')[0]));
  });

  // Operations
  app.get('/live', async () => ({ status: 'ok' }));
  app.get('/health', async () => ({ status: 'ok', version: API_VERSION }));
  app.get('/ready', async (_req, reply) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    const probe = async (name: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
        checks[name] = { ok: true };
      } catch (e) {
        checks[name] = { ok: false, error: (e as Error).message };
      }
    };
    await probe('database', () => db.pool.query('SELECT 1'));
    for (const [name, fn] of Object.entries(services.probes)) await probe(name, fn);
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', checks });
  });
  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/api/openapi.json', async () => openapi);
  await registerDocs(app);

  // REST and GraphQL run every operation through the same pipeline.
  const prepared = prepareRoutes(routes, services.policy);
  const executeRoute = createRouteExecutor(services);
  registerRoutes(app, prepared, executeRoute);
  registerGraphQL(app, prepared, executeRoute, config.graphql);

  // The web console, when built.
  const webDist = config.webDist;
  const hasWeb = webDist && existsSync(path.join(webDist, 'index.html'));
  if (hasWeb) {
    const webRoot = path.resolve(webDist);
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      wildcard: true,
      index: 'index.html',
      preCompressed: true,
      // Cache headers are set here, per file (named without the .br/.gz of a precompressed copy).
      cacheControl: false,
      setHeaders: (res, file) => {
        const name = path.relative(webRoot, file).split(path.sep).join('/').replace(PRECOMPRESSED, '');
        res.setHeader('cache-control', WEB_ASSETS.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (name === 'sw.js') res.setHeader('service-worker-allowed', '/');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0]!;
    if (hasWeb && req.method === 'GET' && !url.startsWith('/api/') && !path.extname(url)) {
      return reply.type('text/html').sendFile('index.html');
    }
    const err = new AppError('not_found', `No route for ${req.method} ${url}`);
    return reply
      .status(404)
      .type('application/problem+json')
      .send(toProblem(err, String(req.id), url));
  });

  return { app, openapi };
}
