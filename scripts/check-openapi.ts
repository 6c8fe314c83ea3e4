// CI gate for the public API. Fails when
// 1. a generated file is stale: the OpenAPI snapshot (apps/server/openapi.json) or the SDK's generated.ts differs
//    from what the current route declarations produce (fix: `npm run sdk:generate` and commit the result);
// 2. the document breaks clients compared with the snapshot on the previous commit (`--base <rev>`, default
//    HEAD~1; on a clean clone that is the previous main), unless the break is deliberate and reviewed: a commit
//    in <base>..HEAD says `BREAKING-API: <what breaks and what clients do>` on a line of its own, or the API
//    version (API_VERSION in apps/server/src/http/openapi.ts) gets a major bump (minor while at 0.x).
// Rules: scripts/openapi/breaking.ts. To check uncommitted work against the last commit: `--base HEAD`.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { BREAKING_MARKER, breakingChanges, versionBumped } from './openapi/breaking.js';
import { generatedFiles, root, SNAPSHOT, staleFiles, type OpenApiDocument } from './openapi/document.js';

const { values } = parseArgs({ options: { base: { type: 'string', default: 'HEAD~1' } } });
const base = values.base!;
const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });

const files = await generatedFiles();
const stale = await staleFiles(files);
if (stale.length) {
  console.error(`check-openapi: out of date with the routes: ${stale.join(', ')}. Run \`npm run sdk:generate\`.`);
  process.exit(1);
}
console.log('check-openapi: the SDK and the OpenAPI snapshot are current');

function previousDocument(): OpenApiDocument | undefined {
  if (git('rev-parse', '--verify', '--quiet', `${base}^{commit}`).status !== 0) {
    if (git('rev-parse', '--is-shallow-repository').stdout.trim() === 'true') {
      console.error(`check-openapi: ${base} is not in this shallow clone; fetch the history (git fetch --unshallow).`);
      process.exit(1);
    }
    if (base === 'HEAD~1' && git('rev-list', '--count', 'HEAD').stdout.trim() === '1') {
      console.log('check-openapi: HEAD is the first commit: nothing to compare with');
      return undefined;
    }
    console.error(`check-openapi: unknown revision ${base}`);
    process.exit(1);
  }
  const shown = git('show', `${base}:${SNAPSHOT}`);
  if (shown.status !== 0) {
    console.log(`check-openapi: ${base} has no ${SNAPSHOT}: nothing to compare with`);
    return undefined;
  }
  return JSON.parse(shown.stdout) as OpenApiDocument;
}

const before = previousDocument();
if (before) {
  const after = JSON.parse(files.get(SNAPSHOT)!) as OpenApiDocument;
  const changes = breakingChanges(before, after);
  if (changes.length === 0) {
    console.log(`check-openapi: no breaking change since ${base}`);
  } else {
    for (const c of changes) console.error(`  ${c.rule}: ${c.at}: ${c.message}`);
    const messages = git('log', '--format=%B', `${base}..HEAD`).stdout;
    if (BREAKING_MARKER.test(messages)) {
      console.log(`check-openapi: ${changes.length} breaking change(s) since ${base}, declared by BREAKING-API:`);
    } else if (versionBumped(before.info.version, after.info.version)) {
      console.log(
        `check-openapi: ${changes.length} breaking change(s), API version ${before.info.version} → ${after.info.version}`,
      );
    } else {
      console.error(
        `check-openapi: ${changes.length} breaking change(s) to the API since ${base}. Keep the old shape (add, don't ` +
          'change), or declare the break: a `BREAKING-API: <what breaks, what clients do>` line in the commit message.',
      );
      process.exit(1);
    }
  }
}
