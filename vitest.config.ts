import { defineConfig } from 'vitest/config';

const slow = ['**/*.pg.test.ts', '**/*.svc.test.ts'];
const ignore = ['**/node_modules/**', '**/dist/**', 'e2e/**', '.akashic/**'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        // Inherit the root options (timeouts) above.
        extends: true,
        test: {
          name: 'fast',
          include: ['**/*.test.ts'],
          exclude: [...ignore, ...slow],
          globalSetup: ['test/setup/embedded-global.ts'],
          // Files share their worker process (vitest's default: one on 2 cores) instead of a fresh process each:
          // the server's module graph (Fastify, Cedar, GraphQL, pg) is loaded and warmed up once rather than once
          // per file (seconds each, 72 files). Each file still gets its own database and app (test/helpers.ts) and
          // closes them. A file that mocks a module must reload what imports it (vi.resetModules, as routes.test.ts
          // does).
          isolate: false,
        },
      },
      {
        // Inherit the root options (timeouts) above.
        extends: true,
        test: {
          name: 'pg',
          include: slow,
          exclude: ignore,
          globalSetup: ['test/setup/real-global.ts'],
        },
      },
      {
        // Inherit the root options (timeouts) above.
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          globalSetup: ['e2e/setup.ts'],
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
