// `npm run dev`: the API (restarted on change by tsx watch) on :3000 and Vite with hot reload on :5173.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const procs = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'apps/server/bin/akashic.mjs', 'serve'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, WEB_DIST: '' },
  }),
  spawn('npm', ['run', 'dev', '-w', '@akashic/web'], { cwd: root, stdio: 'inherit' }),
];
console.log('API on http://localhost:3000, console with hot reload on http://localhost:5173');
const stop = () => procs.forEach((p) => p.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const p of procs) p.on('exit', (code) => { stop(); process.exitCode = code ?? 0; });
