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
