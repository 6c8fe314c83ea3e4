// Build the web console when its sources are newer than the last build (or there is none).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/scripts/compress.mjs',
  'packages/contracts/src',
  // Bundled into the console too.
  'packages/messaging/src',
  'packages/sync/src',
];

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(p)) max = Math.max(max, newest(path.join(p, e)));
  return max;
}

export function webIsStale() {
  const built = path.join(root, 'apps/web/dist/index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources.some((s) => newest(path.join(root, s)) > builtAt);
}

export function ensureWebBuilt({ force = false, quiet = false } = {}) {
  if (!force && !webIsStale()) return;
  if (!quiet) console.log('Building the web console…');
  const r = spawnSync('npm', ['run', 'build', '-w', '@akashic/web', '--silent'], {
    cwd: root,
    // Always a production build, whoever asks: under a test runner NODE_ENV is `test`, and Vite would then build
    // React's development bundle with import.meta.env.DEV set (no service worker, four times the JavaScript).
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: quiet ? 'pipe' : 'inherit',
  });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(r.stdout?.toString() ?? '', r.stderr?.toString() ?? '');
    throw new Error('web console build failed');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureWebBuilt({ force: process.argv.includes('--force') });
