/**
 * Saved forecast scenarios: an organization's named what-if inputs. Every change is recorded (audit entry + outbox
 * event, `intelligence.scenario.*`) in the request's transaction; updates carry the version they were based on.
 */
import { randomUUID } from 'node:crypto';
import type { CreateScenarioBody, Page, Scenario, ScenarioKind, UpdateScenarioBody } from '@akashic/contracts';
import type { Tx } from '../../../db/index.js';
import { isoTimestamp, keysetPage } from '../../../db/keyset.js';
import type { RecordInput } from '../../../platform/audit/record.js';
import { AppError, notFound, staleVersion } from '../../../platform/errors.js';
import { scenarioErrors } from './engine.js';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

const MODULE = 'intelligence';
const COLUMNS = `id, name, description, cycle, kind, inputs, created_by AS "createdBy",
  ${isoTimestamp('created_at')} AS "createdAt", ${isoTimestamp('updated_at')} AS "updatedAt", version`;

function check(s: { kind: ScenarioKind; cycle: number; inputs: Scenario['inputs'] }): void {
  const fields = scenarioErrors(s.kind, s.cycle, s.inputs, 'body.');
  if (fields.length) throw new AppError('validation_failed', 'The scenario has invalid fields', { fields });
}

/** What audit entries and events carry about a scenario (its inputs are not secret, but bulky: name and shape). */
const view = (s: Scenario) => ({ id: s.id, name: s.name, cycle: s.cycle, kind: s.kind, version: s.version });

export async function createScenario(
  tx: Tx,
  orgId: string,
  userId: string,
  body: CreateScenarioBody,
  record: Recorder,
): Promise<Scenario> {
  check(body);
  const r = await tx.client.query<Scenario>(
    `INSERT INTO forecast_scenarios (id, org_id, name, description, cycle, kind, inputs, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      orgId,
      body.name,
      body.description ?? null,
      body.cycle,
      body.kind,
      JSON.stringify(body.inputs),
      userId,
    ],
  );
  const s = r.rows[0]!;
  await record({ module: MODULE, action: 'scenario.created', target: { type: 'scenario', id: s.id }, after: view(s) });
  return s;
}

export async function getScenario(tx: Tx, orgId: string, id: string): Promise<Scenario> {
  const r = await tx.client.query<Scenario>(`SELECT ${COLUMNS} FROM forecast_scenarios WHERE org_id = $1 AND id = $2`, [
    orgId,
    id,
  ]);
  if (!r.rows[0]) throw notFound('Scenario');
  return r.rows[0];
}

/** The scenarios named by `ids`, in that order; any missing (or another org's) id is a 404. */
export async function getScenarios(tx: Tx, orgId: string, ids: string[]): Promise<Scenario[]> {
  const r = await tx.client.query<Scenario>(
    `SELECT ${COLUMNS} FROM forecast_scenarios WHERE org_id = $1 AND id = ANY($2::uuid[])`,
    [orgId, ids],
  );
  const byId = new Map(r.rows.map((s) => [s.id, s]));
  return ids.map((id) => {
    const s = byId.get(id);
    if (!s) throw new AppError('not_found', `Scenario ${id} not found`);
    return s;
  });
}

export async function listScenarios(
  tx: Tx,
  orgId: string,
  q: { limit: number; cursor?: string | undefined; kind?: ScenarioKind | undefined },
): Promise<Page<Scenario>> {
  return keysetPage<Scenario>(tx, {
    columns: COLUMNS,
    from: 'forecast_scenarios',
    where: 'org_id = $1',
    params: [orgId],
    equal: { kind: q.kind },
    key: { column: 'created_at', type: 'timestamptz' },
    id: 'id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

export async function updateScenario(
  tx: Tx,
  orgId: string,
  id: string,
  body: UpdateScenarioBody,
  record: Recorder,
): Promise<Scenario> {
  const cur = await tx.client.query<Scenario>(
    `SELECT ${COLUMNS} FROM forecast_scenarios WHERE org_id = $1 AND id = $2 FOR UPDATE`,
    [orgId, id],
  );
  const before = cur.rows[0];
  if (!before) throw notFound('Scenario');
  if (before.version !== body.version) throw staleVersion('scenario', body.version, before.version);
  const next = {
    name: body.name ?? before.name,
    description: body.description !== undefined ? body.description : before.description,
    cycle: body.cycle ?? before.cycle,
    kind: body.kind ?? before.kind,
    inputs: body.inputs ?? before.inputs,
  };
  check(next);
  const r = await tx.client.query<Scenario>(
    `UPDATE forecast_scenarios
        SET name = $3, description = $4, cycle = $5, kind = $6, inputs = $7, version = version + 1, updated_at = now()
      WHERE org_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [orgId, id, next.name, next.description, next.cycle, next.kind, JSON.stringify(next.inputs)],
  );
  const after = r.rows[0]!;
  await record({
    module: MODULE,
    action: 'scenario.updated',
    target: { type: 'scenario', id },
    before: view(before),
    after: view(after),
  });
  return after;
}

export async function deleteScenario(tx: Tx, orgId: string, id: string, record: Recorder): Promise<void> {
  const r = await tx.client.query<Scenario>(
    `DELETE FROM forecast_scenarios WHERE org_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [orgId, id],
  );
  const before = r.rows[0];
  if (!before) throw notFound('Scenario');
  await record({ module: MODULE, action: 'scenario.deleted', target: { type: 'scenario', id }, before: view(before) });
}
