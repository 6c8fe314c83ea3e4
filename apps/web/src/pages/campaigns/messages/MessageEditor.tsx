/**
 * The message editor: the base and audience versions as tabs; a textarea whose checks (SMS segments and encoding,
 * disclaimer, reading grade, merge fields, banned terms) run live in the browser with packages/messaging and are
 * confirmed by the server on save; the workflow steps the member may take; history with a diff between any two
 * revisions and restore; comments; AI drafting (or how to set a provider up).
 */
import type {
  DraftSuggestion,
  MessageDetail,
  MessageVersion,
  Page,
  Revision,
  RevisionDiff,
  SavedRevision,
  VersionActivity,
  WorkflowEvent,
} from '@akashic/contracts';
import { AMERICAN_NATIONS } from '@akashic/contracts';
import { checkRevision, type CheckIssue } from '@akashic/messaging';
import { useId, useMemo, useState } from 'react';
import { api, errorMessage } from '../../../api';
import { useFeedback } from '../../../components/feedback';
import { SelectField, TextField, formValue } from '../../../components/forms';
import { Badge, LoadError, Loading, PageHeader, Panel } from '../../../components/layout';
import { formatDate } from '../../../format';
import { useAction, useResource } from '../../../hooks';
import { Link } from '../../../router';
import { CAMPAIGNS_PATH } from '../labels';
import { AUDIENCE_KIND_LABELS, CHANNEL_LABELS, EVENT_LABELS, EVENT_PATHS, STATUS_LABELS, STATUS_TONES } from './labels';
import './messages.css';

export function MessageEditorPage({ campaignId, messageId }: { campaignId: string; messageId: string }) {
  const url = `/api/v1/campaigns/${campaignId}/messages/${messageId}`;
  const detail = useResource((signal) => api.get<MessageDetail>(url, { signal }), [url]);
  const [tab, setTab] = useState(0);
  if (detail.loading && !detail.data) return <Loading label="Loading the message…" />;
  if (detail.error || !detail.data) return <LoadError error={detail.error} onRetry={detail.reload} />;
  const m = detail.data;
  const v = m.versions[Math.min(tab, m.versions.length - 1)]!;
  return (
    <>
      <PageHeader
        title={m.title}
        lead={
          <>
            {CHANNEL_LABELS[m.channel]} · <Badge tone={STATUS_TONES[m.status]}>{STATUS_LABELS[m.status]}</Badge>{' '}
            <Link to={`${CAMPAIGNS_PATH}/${campaignId}`}>Back to the campaign</Link>
          </>
        }
      />
      <div role="tablist" aria-label="Versions" className="tabs">
        {m.versions.map((x, i) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            id={`tab-${x.id}`}
            aria-selected={x.id === v.id}
            aria-controls="version-panel"
            tabIndex={x.id === v.id ? 0 : -1}
            className={x.id === v.id ? 'tab active' : 'tab'}
            onClick={() => setTab(i)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const next = (i + (e.key === 'ArrowRight' ? 1 : m.versions.length - 1)) % m.versions.length;
                setTab(next);
                document.getElementById(`tab-${m.versions[next]!.id}`)?.focus();
              }
            }}
          >
            {x.audience.label} <Badge tone={STATUS_TONES[x.status]}>{STATUS_LABELS[x.status]}</Badge>
          </button>
        ))}
      </div>
      <div role="tabpanel" id="version-panel" aria-labelledby={`tab-${v.id}`}>
        <VersionEditor key={v.id} message={m} version={v} url={`${url}/versions/${v.id}`} onChanged={detail.reload} />
      </div>
      {m.permissions.write && (
        <NewVersion message={m} url={url} onCreated={() => (setTab(m.versions.length), detail.reload())} />
      )}
    </>
  );
}

function VersionEditor({
  message: m,
  version: v,
  url,
  onChanged,
}: {
  message: MessageDetail;
  version: MessageVersion;
  url: string;
  onChanged: () => void;
}) {
  const [text, setText] = useState(v.head?.text ?? '');
  const [subject, setSubject] = useState(v.head?.subject ?? '');
  const { announce } = useFeedback();
  const { busy, act } = useAction();
  const textId = useId();
  const live = useMemo(
    () =>
      checkRevision({
        channel: v.channel,
        text,
        rules: {
          disclaimer: m.rules.disclaimer ?? undefined,
          bannedTerms: m.rules.bannedTerms,
          mergeFields: m.rules.mergeFields,
        },
      }),
    [text, v.channel, m.rules],
  );
  const canEdit = m.permissions.write && v.status !== 'sent';
  const save = () =>
    act(async () => {
      const r = await api.post<SavedRevision>(`${url}/revisions`, {
        text,
        ...(v.channel === 'email' ? { subject: subject || null } : {}),
        baseRevisionId: v.head?.id ?? null,
      });
      const errors = r.revision.checks.issues.filter((i) => i.severity === 'error').length;
      if (errors) announce(`Saved revision ${r.revision.number} with ${errors} check error(s).`, 'info');
      onChanged();
    }, 'Saved a new revision.');

  const [draft, setDraft] = useState<DraftSuggestion | null>(null);
  const [aiHelp, setAiHelp] = useState<string | null>(null);
  const askAi = async (form: FormData) => {
    if (!m.aiConfigured) return setAiHelp(m.aiSetup);
    setAiHelp(null);
    await act(async () => {
      setDraft(
        await api.post<DraftSuggestion>(`${url}/draft`, { request: formValue(form, 'request'), currentText: text }),
      );
    }, 'The AI draft is ready: read it, then use it or not.');
  };

  return (
    <Panel
      title={`${v.audience.label}: ${CHANNEL_LABELS[v.channel]}`}
      id="version"
      description={`${AUDIENCE_KIND_LABELS[v.audience.kind]}${v.audience.description ? ` · ${v.audience.description}` : ''}${v.head ? ` · revision ${v.head.number} by ${v.head.authorName ?? 'a former member'}, ${formatDate(v.head.createdAt)}` : ' · no revision yet'}`}
    >
      {v.channel === 'email' && (
        <TextField
          label="Subject"
          name="subject"
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
          disabled={!canEdit}
        />
      )}
      {/* Labelled by `for`, not by wrapping: a wrapping label would make the text itself part of the box's name. */}
      <div className="field">
        <label htmlFor={textId}>Text</label>
        <textarea
          id={textId}
          className="message-text"
          rows={8}
          value={text}
          readOnly={!canEdit}
          aria-describedby="checks"
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <Checks id="checks" text={text} issues={live.issues} metrics={live.metrics} />
      <div className="actions">
        {canEdit && (
          <button type="button" className="button primary" disabled={busy} onClick={() => void save()}>
            Save revision
          </button>
        )}
        <Workflow version={v} url={url} onChanged={onChanged} />
      </div>
      {canEdit && (
        <form
          className="ai-draft"
          onSubmit={(e) => {
            e.preventDefault();
            void askAi(new FormData(e.currentTarget));
          }}
        >
          <TextField
            label="Ask the AI for a draft"
            name="request"
            placeholder="e.g. A reminder to vote early"
            required
          />
          <button type="submit" className="button secondary" disabled={busy}>
            AI draft
          </button>
          {aiHelp && (
            <p className="notice notice-info" role="status">
              {aiHelp}
            </p>
          )}
          {draft && (
            <div className="draft" role="region" aria-label="AI suggestion">
              <pre>{draft.text}</pre>
              <p className="muted">
                {draft.model} · {draft.checks.issues.length} check note(s). Not saved until you save a revision.
              </p>
              <button type="button" className="button secondary" onClick={() => (setText(draft.text), setDraft(null))}>
                Use this text
              </button>
            </div>
          )}
        </form>
      )}
      <History version={v} url={url} canRestore={canEdit} onChanged={onChanged} />
      <Comments version={v} url={url} canComment={m.permissions.comment} />
    </Panel>
  );
}

/** The live checks: metrics, then each issue, with the text it points at. */
function Checks({
  id,
  text,
  issues,
  metrics,
}: {
  id: string;
  text: string;
  issues: CheckIssue[];
  metrics: ReturnType<typeof checkRevision>['metrics'];
}) {
  return (
    <div id={id} className="checks" aria-live="polite">
      <p className="muted">
        {metrics.characters} characters · {metrics.words} words
        {metrics.gradeLevel !== null && ` · reading grade ${metrics.gradeLevel}`}
        {metrics.sms &&
          ` · ${metrics.sms.segments} SMS segment(s), ${metrics.sms.encoding}, ${metrics.sms.remaining} left`}
        {metrics.disclaimer !== 'not_required' && ` · disclaimer ${metrics.disclaimer}`}
      </p>
      {issues.length === 0 ? (
        <p className="check-ok">All checks pass.</p>
      ) : (
        <ul className="check-list">
          {issues.map((i, n) => (
            <li key={n} className={`check-${i.severity}`}>
              <strong>{i.severity === 'error' ? 'Error' : i.severity === 'warning' ? 'Warning' : 'Note'}:</strong>{' '}
              {i.message}
              {i.start !== undefined && i.end !== undefined && (
                <>
                  {' '}
                  <mark>{text.slice(i.start, i.end)}</mark>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Workflow({ version: v, url, onChanged }: { version: MessageVersion; url: string; onChanged: () => void }) {
  const { busy, act } = useAction();
  const [sendAt, setSendAt] = useState('');
  const [comment, setComment] = useState('');
  const step = (event: WorkflowEvent) =>
    act(async () => {
      await api.post(`${url}/${EVENT_PATHS[event]}`, {
        revisionId: v.head!.id,
        ...(comment.trim() ? { comment } : {}),
        ...(event === 'schedule' && sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
      });
      setComment('');
      onChanged();
    }, `${EVENT_LABELS[event]}: done.`);
  if (!v.events.length) return null;
  return (
    <div className="workflow">
      {(v.events.includes('request_changes') || v.events.includes('approve')) && (
        <TextField label="Review comment" name="comment" value={comment} onChange={(e) => setComment(e.target.value)} />
      )}
      {v.events.includes('schedule') && (
        <TextField
          label="Send at"
          name="sendAt"
          type="datetime-local"
          value={sendAt}
          onChange={(e) => setSendAt(e.target.value)}
        />
      )}
      {v.events.map((e) => (
        <button key={e} type="button" className="button secondary" disabled={busy} onClick={() => void step(e)}>
          {EVENT_LABELS[e]}
        </button>
      ))}
    </div>
  );
}

function History({
  version: v,
  url,
  canRestore,
  onChanged,
}: {
  version: MessageVersion;
  url: string;
  canRestore: boolean;
  onChanged: () => void;
}) {
  const revisions = useResource(
    (signal) => api.get<Page<Revision>>(`${url}/revisions`, { query: { limit: 200 }, signal }),
    [url, v.head?.id],
  );
  const [pair, setPair] = useState<{ from: string; to: string }>({ from: '', to: '' });
  const [diff, setDiff] = useState<RevisionDiff | null>(null);
  const { busy, act } = useAction();
  const items = revisions.data?.items ?? [];
  const from = pair.from || items[1]?.id || '';
  const to = pair.to || items[0]?.id || '';
  if (!items.length) return null;
  const option = (r: Revision) => (
    <option key={r.id} value={r.id}>
      #{r.number} · {r.authorName ?? 'former member'} · {formatDate(r.createdAt)}
      {r.restoredFrom ? ' (restored)' : ''}
    </option>
  );
  return (
    <section aria-labelledby="history-heading" className="history">
      <h3 id="history-heading">History</h3>
      <div className="form-row">
        <SelectField label="From" name="from" value={from} onChange={(e) => setPair({ from: e.target.value, to })}>
          {items.map(option)}
        </SelectField>
        <SelectField label="To" name="to" value={to} onChange={(e) => setPair({ from, to: e.target.value })}>
          {items.map(option)}
        </SelectField>
        <button
          type="button"
          className="button secondary"
          disabled={busy || !from || !to}
          onClick={() =>
            void act(
              async () => setDiff(await api.get<RevisionDiff>(`${url}/diff`, { query: { from, to } })),
              'Diff ready.',
            )
          }
        >
          Compare
        </button>
        {canRestore && from && from !== v.head?.id && (
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                await api.post(`${url}/revisions/${from}/restore`, { baseRevisionId: v.head!.id });
                onChanged();
              }, 'Restored: the old text is the newest revision.')
            }
          >
            Restore “From”
          </button>
        )}
      </div>
      {diff && (
        <p className="diff" aria-label={`Changes from revision ${diff.from.number} to ${diff.to.number}`}>
          {diff.ops.map((o, i) =>
            o.op === 'equal' ? (
              <span key={i}>{o.text}</span>
            ) : o.op === 'insert' ? (
              <ins key={i}>{o.text}</ins>
            ) : (
              <del key={i}>{o.text}</del>
            ),
          )}
        </p>
      )}
      {revisions.error ? <LoadError error={revisions.error} onRetry={revisions.reload} /> : null}
    </section>
  );
}

function Comments({ version: v, url, canComment }: { version: MessageVersion; url: string; canComment: boolean }) {
  const activity = useResource(
    (signal) => api.get<VersionActivity>(`${url}/comments`, { signal }),
    [url, v.status, v.head?.id],
  );
  const [body, setBody] = useState('');
  const { busy, act } = useAction();
  return (
    <section aria-labelledby="comments-heading" className="comments">
      <h3 id="comments-heading">Comments and approvals</h3>
      <ul>
        {activity.data?.approvals.map((a) => (
          <li key={a.id}>
            <strong>{a.approverName ?? 'Former member'}</strong>{' '}
            {a.decision === 'approved' ? 'approved' : 'asked for changes'} ({formatDate(a.createdAt)})
            {a.note ? `: ${a.note}` : ''}
          </li>
        ))}
        {activity.data?.comments
          .filter((c) => !c.event)
          .map((c) => (
            <li key={c.id}>
              <strong>{c.authorName ?? 'Former member'}</strong> ({formatDate(c.createdAt)}): {c.body}
            </li>
          ))}
      </ul>
      {canComment && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              await api.post(`${url}/comments`, { body, ...(v.head ? { revisionId: v.head.id } : {}) });
              setBody('');
              activity.reload();
            }, 'Comment added.');
          }}
        >
          <TextField
            label="Add a comment"
            name="body"
            value={body}
            onChange={(e) => setBody(e.target.value)}
            required
          />
          <button type="submit" className="button secondary" disabled={busy}>
            Comment
          </button>
        </form>
      )}
    </section>
  );
}

function NewVersion({ message: m, url, onCreated }: { message: MessageDetail; url: string; onCreated: () => void }) {
  const [kind, setKind] = useState<'american_nations_region' | 'demographic' | 'segment'>('american_nations_region');
  const { busy, act } = useAction();
  const [error, setError] = useState<string | null>(null);
  return (
    <Panel title="Add an audience version">
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const branchedFrom = formValue(f, 'branchedFrom');
          void act(async () => {
            try {
              await api.post(`${url}/versions`, {
                audience: {
                  kind,
                  key: formValue(f, 'key'),
                  ...(kind === 'american_nations_region' ? {} : { label: formValue(f, 'label') }),
                },
                ...(formValue(f, 'channel') ? { channel: formValue(f, 'channel') } : {}),
                ...(branchedFrom ? { branchedFrom } : {}),
              });
              setError(null);
              onCreated();
            } catch (err) {
              setError(errorMessage(err));
              throw err;
            }
          }, 'Added the version.');
        }}
      >
        <SelectField label="Audience" name="kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="american_nations_region">{AUDIENCE_KIND_LABELS.american_nations_region}</option>
          <option value="demographic">{AUDIENCE_KIND_LABELS.demographic}</option>
          <option value="segment">{AUDIENCE_KIND_LABELS.segment}</option>
        </SelectField>
        {kind === 'american_nations_region' ? (
          <SelectField label="Region" name="key">
            {Object.entries(AMERICAN_NATIONS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </SelectField>
        ) : (
          <>
            <TextField label="Key" name="key" required pattern="[a-z0-9][a-z0-9_\-]*" hint="e.g. age-18-29" />
            <TextField label="Label" name="label" required />
          </>
        )}
        <SelectField label="Channel" name="channel" defaultValue="">
          <option value="">Same as the message</option>
          {Object.entries(CHANNEL_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </SelectField>
        <SelectField label="Start from" name="branchedFrom" defaultValue={m.versions[0]?.id ?? ''}>
          <option value="">An empty text</option>
          {m.versions.map((x) => (
            <option key={x.id} value={x.id}>
              {x.audience.label}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button primary" disabled={busy}>
          Add version
        </button>
        {error && <p className="form-error">{error}</p>}
      </form>
    </Panel>
  );
}
