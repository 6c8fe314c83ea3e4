import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.akashic/**', 'apps/server/drizzle/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      // Configuration is parsed once (apps/server/src/config.ts); nothing else reads the environment.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration from the parsed Config, not process.env (see apps/server/src/config.ts).',
        },
      ],
    },
  },
  {
    // Entry points hand the environment to the config parser; scripts and test set-up configure their own runs.
    files: ['apps/server/bin/**', 'scripts/**', 'bench/**', 'e2e/**', 'test/setup/**', 'test/server-process.ts', '.ci/**', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
