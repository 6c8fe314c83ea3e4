// Writes what is generated from the route declarations: the OpenAPI snapshot (apps/server/openapi.json, which
// the breaking-change check compares across commits) and the SDK's methods and types (packages/sdk/src/generated.ts).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generatedFiles, root } from './openapi/document.js';

for (const [file, content] of await generatedFiles()) {
  await writeFile(path.join(root, file), content);
  console.log(`wrote ${file}`);
}
