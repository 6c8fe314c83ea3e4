import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const api = 'http://localhost:3000';
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [
    react(),
    // The service worker (src/sw/sw.ts) is ours, built by Workbox's injectManifest: it precaches the hashed app shell,
    // caches API reads network-first and shows push notifications. public/manifest.webmanifest is the manifest.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      // src/pwa.ts registers it and offers the reload when a new version is waiting.
      registerType: 'prompt',
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,json,webmanifest}'],
        // The map's topology is the largest asset; the shell must work offline with it.
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The server's CSP forbids inline scripts; never inline assets as data: scripts either.
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(['/api', '/docs', '/health', '/ready', '/metrics'].map((p) => [p, { target: api }])),
  },
});
