// Fails when the Drizzle schema and the committed migrations drift: drizzle-kit generates into a copy of
// the migrations folder, and any new migration it writes means the schema changed without one.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const committed = path.join(root, 'apps/server/drizzle');
// drizzle-kit wants a path relative to the working directory.
const outRel = `apps/server/.drift-${process.pid}`;
const tmp = path.join(root, outRel);
const out = tmp;
cpSync(committed, out, { recursive: true });
const config = path.join(root, 'apps/server', `.drizzle.check.${process.pid}.config.ts`);
writeFileSync(
  config,
  `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './apps/server/src/db/schema.ts', out: ${JSON.stringify('./' + outRel)} });\n`,
);
try {
  const r = spawnSync('npx', ['drizzle-kit', 'generate', '--config', config, '--name', 'drift'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || /error/i.test(r.stderr) || /Error/.test(r.stdout)) {
    console.error(r.stdout, r.stderr);
    console.error('check-migrations: drizzle-kit failed');
    process.exit(1);
  }
  const before = new Set(readdirSync(committed).filter((f) => f.endsWith('.sql')));
  const added = readdirSync(out).filter((f) => f.endsWith('.sql') && !before.has(f));
  if (added.length) {
    console.error(`check-migrations: the schema has changes with no migration (drizzle-kit would write ${added.join(', ')}).`);
    console.error('Run `npm run db:generate -- --name <what-changed>` and commit the result.');
    process.exit(1);
  }
  console.log('check-migrations: schema and migrations agree');
} finally {
  rmSync(config, { force: true });
  rmSync(tmp, { recursive: true, force: true });
}
