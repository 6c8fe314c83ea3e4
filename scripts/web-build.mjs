// Build the web console unless the last build was made from the same inputs. The inputs are hashed by content (the
// console's sources, the workspace packages it imports, their manifests and the lock file), so a fresh clone or a
// checkout that only touched the server reuses the build, and any change to what goes into the bundle rebuilds it.
// The hash is written after a build succeeds (compression included), next to dist/ and tied to that dist/index.html,
// so an interrupted build, or a dist/ made by `vite build` directly, is never taken for a current one.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'apps/web');
const builtIndex = path.join(web, 'dist/index.html');
const stampFile = path.join(web, 'node_modules/.cache/akashic-web-build.json');

/**
 * Every workspace package: the console imports several (not all declared in its package.json, npm's workspace links
 * resolve them anyway), so all count; a change to one it does not import costs a rebuild, never a stale build.
 */
const workspacePackages = (at) =>
  readdirSync(path.join(at, 'packages'))
    .filter((dir) => existsSync(path.join(at, 'packages', dir, 'package.json')))
    .sort()
    .map((dir) => `packages/${dir}`);

/** Every path (relative to the repository root `at`) whose content goes into the build. */
export function webInputs(at = root) {
  return [
    'package-lock.json',
    'apps/web/package.json',
    'apps/web/index.html',
    'apps/web/vite.config.ts',
    'apps/web/tsconfig.json',
    'apps/web/tsconfig.sw.json',
    'apps/web/scripts/compress.mjs',
    'apps/web/src',
    'apps/web/public',
    ...workspacePackages(at).flatMap((dir) => [`${dir}/package.json`, `${dir}/src`]),
  ];
}

function files(at, rel) {
  const abs = path.join(at, rel);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs)
    .sort()
    .flatMap((e) => files(at, path.join(rel, e)));
}

/** SHA-256 over the inputs' paths and contents (file times play no part). */
export function webInputsHash(at = root) {
  const h = createHash('sha256');
  for (const rel of webInputs(at).flatMap((p) => files(at, p))) {
    h.update(`${rel}\0`);
    h.update(readFileSync(path.join(at, rel)));
    h.update('\0');
  }
  return h.digest('hex');
}

const builtAt = () => (existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : undefined);

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

export function webIsStale(hash = webInputsHash()) {
  const stamp = readStamp();
  const at = builtAt();
  return at === undefined || stamp?.inputs !== hash || stamp?.indexMtimeMs !== at;
}

export function ensureWebBuilt({ force = false, quiet = false } = {}) {
  const hash = webInputsHash();
  if (!force && !webIsStale(hash)) return;
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
  mkdirSync(path.dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, JSON.stringify({ inputs: hash, indexMtimeMs: builtAt() }));
}

if (import.meta.url === `file://${process.argv[1]}`) ensureWebBuilt({ force: process.argv.includes('--force') });
