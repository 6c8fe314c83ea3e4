// The console's initial JavaScript: what a first visit to any page (the sign-in page included) loads before the
// person can interact — the entry script of the built index.html and every module it preloads (its static imports),
// each measured gzipped as the server sends it (dist/*.gz, written by apps/web/scripts/compress.mjs at level 9).
// Route chunks (React.lazy) are not in it: they load when their page is opened.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = path.join(root, 'apps/web/dist');
/** Issue 6's budget for the initial JavaScript, in kB (1,000 bytes) gzipped. */
export const INITIAL_JS_BUDGET_KB_GZ = 250;

/** Gzipped size of a file's bytes (level 9, as the build precompresses it). */
export function gzipSize(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

/** The scripts index.html makes the browser load at once: `<script type="module" src>` and `<link rel="modulepreload">`. */
export function initialScripts(dist = WEB_DIST) {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const urls = new Set();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const attr = (name) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    if (tag.startsWith('<script') && attr('type') === 'module' && attr('src')) urls.add(attr('src'));
    if (tag.startsWith('<link') && attr('rel') === 'modulepreload' && attr('href')) urls.add(attr('href'));
  }
  return [...urls].map((url) => {
    const bytes = readFileSync(path.join(dist, url.replace(/^\//, '')));
    return { url, bytes: bytes.length, gzipBytes: gzipSize(bytes) };
  });
}
