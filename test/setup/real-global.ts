/** `*.pg.test.ts` / `*.svc.test.ts`: this machine's PostgreSQL (TEST_DATABASE_URL, default 127.0.0.1:5432). */
import type { TestProject } from 'vitest/node';
import { prepareTemplate, templateName } from './template.js';

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const template = templateName();
  const drop = await prepareTemplate(url, template);
  project.provide('pgServerUrl', url);
  project.provide('pgTemplate', template);
  return drop;
}
