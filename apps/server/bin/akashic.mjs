#!/usr/bin/env node
// The `akashic` command (`npx akashic ...` from the repo). Runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2), process.env);
