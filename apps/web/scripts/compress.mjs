// After `vite build`: write a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside every text file of
// dist/, so the server sends them compressed without compressing per request (@fastify/static `preCompressed`
// picks the variant the browser accepts; apps/server/src/http/app.ts). A copy that is not smaller is not written.
// The service worker's precache list was made before and names only the originals.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const TEXT = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/;

let files = 0;
let before = 0;
let after = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !TEXT.test(entry.name)) continue;
  const file = path.join(entry.parentPath, entry.name);
  const bytes = readFileSync(file);
  const variants = {
    br: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gz: gzipSync(bytes, { level: 9 }),
  };
  for (const [ext, out] of Object.entries(variants)) {
    if (out.length < bytes.length) writeFileSync(`${file}.${ext}`, out);
    else rmSync(`${file}.${ext}`, { force: true });
  }
  files++;
  before += bytes.length;
  after += Math.min(bytes.length, variants.br.length);
}
console.log(`compressed ${files} files: ${(before / 1000).toFixed(0)} kB → ${(after / 1000).toFixed(0)} kB (brotli)`);
