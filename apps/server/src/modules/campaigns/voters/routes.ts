/**
 * A campaign's voter file: imports, voters, contacts and segments. Every route is decided by Cedar on the
 * organization, then on the campaign with the member's place on its team (policies/voters.cedar).
 *
 * - `campaign.voters.read` (the team): voters, counts, imports and their reports, segments.
 * - `campaign.voters.import` (admins, campaign managers): create imports and upload their files.
 * - `campaign.voters.contact` (staff on the team): record contacts.
 * - `campaign.segments.write` (admins, campaign managers, communications, field): saved segments.
 * - `campaign.voters.export` (admins, campaign managers): CSV export of a segment.
 */
import { Readable } from 'node:stream';
import {
  Contact,
  CountBody,
  CreateContactBody,
  CreateImportBody,
  CreateSegmentBody,
  DetectedMapping,
  DetectMappingBody,
  Id,
  ImportListQuery,
  page,
  PageQuery,
  QueryVotersBody,
  Segment,
  SegmentWithCount,
  UpdateSegmentBody,
  Voter,
  VoterCount,
  VoterDetail,
  VoterImport,
  VoterListQuery,
  VotersSummary,
} from '@akashic/contracts';
import { z } from 'zod';
import { actorOf } from '../../../http/register.js';
import { AppError } from '../../../platform/errors.js';
import { campaignRouteIn } from '../access.js';
import { createImport, getImport, listImports, runImport } from './imports.js';
import { describeMapping, resolveMapping } from './mapping.js';
import {
  countVoters,
  createContact,
  createSegment,
  deleteSegment,
  exportVoters,
  getVoter,
  listSegments,
  pageVoters,
  readSegment,
  updateSegment,
  votersSummary,
} from './voters.js';

const route = campaignRouteIn(['Voters']);
const base = '/api/v1/campaigns/:campaignId';
const CampaignParams = z.strictObject({ campaignId: Id });
const ImportParams = z.strictObject({ campaignId: Id, importId: Id });
const VoterParams = z.strictObject({ campaignId: Id, voterId: Id });
const SegmentParams = z.strictObject({ campaignId: Id, segmentId: Id });

/** Voter files of hundreds of MB stream through; beyond this an upload is refused (413). */
export const MAX_VOTER_FILE_BYTES = 2 * 1024 ** 3;

export const votersSummaryRoute = route({
  method: 'GET',
  path: `${base}/voters/summary`,
  operationId: 'getVotersSummary',
  summary: 'How many voters the campaign has, how many are scored, and the elections of its vote history',
  action: 'campaign.voters.read',
  schemas: { params: CampaignParams, response: VotersSummary },
  run: (ctx, c) => votersSummary(ctx.tx, ctx.org.id, c.id),
});

export const detectMappingRoute = route({
  method: 'POST',
  path: `${base}/voter-mapping`,
  operationId: 'detectVoterMapping',
  summary: 'The column mapping an import would use for a header (detected, then your overrides)',
  description: 'Writes nothing. Send the header row of the file; `errors` lists what would make the import fail.',
  action: 'campaign.voters.read',
  schemas: { params: CampaignParams, body: DetectMappingBody, response: DetectedMapping },
  run: async (ctx) => describeMapping(resolveMapping(ctx.input.body.header, ctx.input.body.mapping)),
});

export const listImportsRoute = route({
  method: 'GET',
  path: `${base}/voter-imports`,
  operationId: 'listVoterImports',
  summary: 'The campaign’s voter-file imports, newest first',
  action: 'campaign.voters.read',
  schemas: { params: CampaignParams, query: ImportListQuery, response: page(VoterImport) },
  run: (ctx, c) => listImports(ctx.tx, ctx.org.id, c.id, ctx.input.query),
});

export const createImportRoute = route({
  method: 'POST',
  path: `${base}/voter-imports`,
  operationId: 'createVoterImport',
  summary: 'Start a voter-file import: name the file and, optionally, override the column mapping',
  description:
    'Then upload the file with `PUT …/voter-imports/{importId}/file`. Columns are detected from the header ' +
    '(`voter_id`, names, `birth_year`, `registration_ym`, `party`, geography and district columns, and one column ' +
    'per election named `<TYPE>_<YYYY-MM-DD>`); `mapping` names the column of a field, or null to leave it out.',
  action: 'campaign.voters.import',
  status: 201,
  schemas: { params: CampaignParams, body: CreateImportBody, response: VoterImport },
  run: (ctx, c) => createImport(ctx.tx, ctx.org.id, ctx.principal.userId, c, ctx.input.body, ctx.record),
});

export const getImportRoute = route({
  method: 'GET',
  path: `${base}/voter-imports/:importId`,
  operationId: 'getVoterImport',
  summary: 'An import with its progress (read while it runs) and its validation report',
  action: 'campaign.voters.read',
  schemas: { params: ImportParams, response: VoterImport },
  run: (ctx, c) => getImport(ctx.tx, ctx.org.id, c.id, ctx.input.params.importId),
});

export const uploadImportRoute = route({
  method: 'PUT',
  path: `${base}/voter-imports/:importId/file`,
  operationId: 'uploadVoterFile',
  summary: 'Upload the import’s CSV file (text/csv, streamed) and run the import',
  description:
    'Good rows are imported and bad rows reported with their line numbers and reasons; a voter id already in the ' +
    'campaign is updated (re-importing deduplicates). Turnout and persuasion scores are computed from the file’s ' +
    'own history. All or nothing: when anything fails, no voter is written and the import is marked failed. ' +
    'Answers when the import is done; read its progress meanwhile with GET. One upload per import (409 after).',
  action: 'campaign.voters.import',
  consumes: 'text/csv',
  bodyLimit: MAX_VOTER_FILE_BYTES,
  schemas: { params: ImportParams, response: VoterImport },
  run: async (ctx, c) => {
    const body = (ctx.input as { body: unknown }).body;
    if (!(body instanceof Readable))
      throw new AppError('unsupported_media_type', 'Upload the voter file as the body, with Content-Type text/csv');
    return runImport(
      {
        tx: ctx.tx,
        db: ctx.services.db,
        orgId: ctx.org.id,
        userId: ctx.principal.userId,
        actor: actorOf(ctx.principal),
        meta: { requestId: ctx.meta.requestId, ip: ctx.meta.ip },
        record: ctx.record,
        maxBytes: MAX_VOTER_FILE_BYTES,
      },
      c.id,
      ctx.input.params.importId,
      body,
    );
  },
});

export const listVotersRoute = route({
  method: 'GET',
  path: `${base}/voters`,
  operationId: 'listVoters',
  summary: 'The campaign’s voters by voter id',
  description: 'Pass `nextCursor` back as `cursor` for the next page; it is null on the last one.',
  action: 'campaign.voters.read',
  schemas: { params: CampaignParams, query: VoterListQuery, response: page(Voter) },
  run: (ctx, c) => pageVoters(ctx.tx, ctx.org.id, c.id, {}, { ...ctx.input.query, cursorField: 'query.cursor' }),
});

export const countVotersRoute = route({
  method: 'POST',
  path: `${base}/voter-count`,
  operationId: 'countVoters',
  summary: 'How many voters a filter matches (live count for the segment builder)',
  description: 'Writes nothing.',
  action: 'campaign.voters.read',
  schemas: { params: CampaignParams, body: CountBody, response: VoterCount },
  run: async (ctx, c) => ({ count: await countVoters(ctx.tx, ctx.org.id, c.id, ctx.input.body.filter) }),
});

export const queryVotersRoute = route({
  method: 'POST',
  path: `${base}/voter-query`,
  operationId: 'queryVoters',
  summary: 'A page of the voters a filter matches, by voter id',
  description: 'Writes nothing. Pass `nextCursor` back as `cursor` for the next page.',
  action: 'campaign.voters.read',
  schemas: { params: CampaignParams, body: QueryVotersBody, response: page(Voter) },
  run: (ctx, c) =>
    pageVoters(ctx.tx, ctx.org.id, c.id, ctx.input.body.filter, { ...ctx.input.body, cursorField: 'body.cursor' }),
});

export const getVoterRoute = route({
  method: 'GET',
  path: `${base}/voters/:voterId`,
  operationId: 'getVoter',
  summary: 'One voter with their vote history, scores and contact history (latest first)',
  action: 'campaign.voters.read',
  schemas: { params: VoterParams, response: VoterDetail },
  run: (ctx, c) => getVoter(ctx.tx, ctx.org.id, c.id, ctx.input.params.voterId),
});

export const createContactRoute = route({
  method: 'POST',
  path: `${base}/voters/:voterId/contacts`,
  operationId: 'createVoterContact',
  summary: 'Record a contact with a voter (channel, outcome, note); the latest outcome sets the contact status',
  action: 'campaign.voters.contact',
  status: 201,
  schemas: { params: VoterParams, body: CreateContactBody, response: Contact },
  run: (ctx, c) =>
    createContact(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, ctx.input.params.voterId, ctx.input.body, ctx.record),
});

// ---- segments --------------------------------------------------------------------------------------------------

export const listSegmentsRoute = route({
  method: 'GET',
  path: `${base}/segments`,
  operationId: 'listSegments',
  summary: 'The campaign’s saved segments, newest first',
  action: 'campaign.voters.read',
  schemas: { params: CampaignParams, query: PageQuery, response: page(Segment) },
  run: (ctx, c) => listSegments(ctx.tx, ctx.org.id, c.id, ctx.input.query),
});

export const createSegmentRoute = route({
  method: 'POST',
  path: `${base}/segments`,
  operationId: 'createSegment',
  summary: 'Save a segment: a name and a filter (scores, geography, party, vote history, contact status)',
  action: 'campaign.segments.write',
  status: 201,
  schemas: { params: CampaignParams, body: CreateSegmentBody, response: Segment },
  run: (ctx, c) => createSegment(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, ctx.input.body, ctx.record),
});

export const getSegmentRoute = route({
  method: 'GET',
  path: `${base}/segments/:segmentId`,
  operationId: 'getSegment',
  summary: 'A segment with how many voters it matches now',
  action: 'campaign.voters.read',
  schemas: { params: SegmentParams, response: SegmentWithCount },
  run: async (ctx, c) => {
    const s = await readSegment(ctx.tx, ctx.org.id, c.id, ctx.input.params.segmentId);
    return { ...s, count: await countVoters(ctx.tx, ctx.org.id, c.id, s.filter) };
  },
});

export const updateSegmentRoute = route({
  method: 'PATCH',
  path: `${base}/segments/:segmentId`,
  operationId: 'updateSegment',
  summary: 'Rename a segment or change its filter',
  description: 'Send the `version` you read; a stale version is a 409 and nothing is written.',
  action: 'campaign.segments.write',
  schemas: { params: SegmentParams, body: UpdateSegmentBody, response: Segment },
  run: (ctx, c) => updateSegment(ctx.tx, ctx.org.id, c.id, ctx.input.params.segmentId, ctx.input.body, ctx.record),
});

export const deleteSegmentRoute = route({
  method: 'DELETE',
  path: `${base}/segments/:segmentId`,
  operationId: 'deleteSegment',
  summary: 'Delete a segment (its voters stay)',
  action: 'campaign.segments.write',
  status: 204,
  schemas: { params: SegmentParams },
  run: (ctx, c) => deleteSegment(ctx.tx, ctx.org.id, c.id, ctx.input.params.segmentId, ctx.record),
});

export const segmentVotersRoute = route({
  method: 'GET',
  path: `${base}/segments/:segmentId/voters`,
  operationId: 'listSegmentVoters',
  summary: 'A page of a segment’s voters, by voter id',
  action: 'campaign.voters.read',
  schemas: { params: SegmentParams, query: VoterListQuery, response: page(Voter) },
  run: async (ctx, c) => {
    const s = await readSegment(ctx.tx, ctx.org.id, c.id, ctx.input.params.segmentId);
    return pageVoters(ctx.tx, ctx.org.id, c.id, s.filter, { ...ctx.input.query, cursorField: 'query.cursor' });
  },
});

export const exportSegmentRoute = route({
  method: 'GET',
  path: `${base}/segments/:segmentId/export`,
  operationId: 'exportSegment',
  summary: 'A segment’s voters as CSV, streamed',
  description: 'One row per voter with their fields, scores, contact status and the elections they voted in.',
  action: 'campaign.voters.export',
  produces: 'text/csv',
  schemas: { params: SegmentParams },
  run: async (ctx, c) => {
    const s = await readSegment(ctx.tx, ctx.org.id, c.id, ctx.input.params.segmentId);
    ctx.reply.header('content-disposition', `attachment; filename="segment-${s.id}.csv"`);
    return exportVoters(ctx.services.db, { orgId: ctx.org.id, userId: ctx.principal.userId }, c.id, s.filter) as never;
  },
});

export const voterRoutes = [
  votersSummaryRoute,
  detectMappingRoute,
  listImportsRoute,
  createImportRoute,
  getImportRoute,
  uploadImportRoute,
  listVotersRoute,
  countVotersRoute,
  queryVotersRoute,
  getVoterRoute,
  createContactRoute,
  listSegmentsRoute,
  createSegmentRoute,
  getSegmentRoute,
  updateSegmentRoute,
  deleteSegmentRoute,
  segmentVotersRoute,
  exportSegmentRoute,
];
