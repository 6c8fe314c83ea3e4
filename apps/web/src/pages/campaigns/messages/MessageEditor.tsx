/**
 * The message editor: the base and audience versions as tabs; a textarea whose checks (SMS segments and encoding,
 * disclaimer, reading grade, merge fields, banned terms) run live in the browser with packages/messaging and are
 * confirmed by the server on save; the workflow steps the member may take; history with a diff between any two
 * revisions and restore; comments; AI drafting (or how to set a provider up).
 */
import type {
  DraftSuggestion,
  MessageDetail,
  MessageStatus,
  MessageVersion,
  Page,
  Revision,
  RevisionDiff,
  SavedRevision,
  SyncMessage,
  VersionActivity,
  WorkflowEvent,
} from '@akashic/contracts';
import { AMERICAN_NATIONS, MUTATORS } from '@akashic/contracts';
import { checkRevision, type CheckIssue } from '@akashic/messaging';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError, api, errorMessage } from '../../../api';
import { useFeedback } from '../../../components/feedback';
import { SelectField, TextField, formValue } from '../../../components/forms';
import { Badge, LoadError, Loading, PageHeader, Panel } from '../../../components/layout';
import { formatDate } from '../../../format';
import { useAction, useResource } from '../../../hooks';
import { Link } from '../../../router';
import { useSyncOverview } from '../../../sync/status';
import { useReplica } from '../../../sync/use-replica';
import { checkLocally } from '../field/local-check';
import { CAMPAIGNS_PATH } from '../labels';
import { followHead, versionDraft, type VersionDraft } from './drafts';
import { AUDIENCE_KIND_LABELS, CHANNEL_LABELS, EVENT_LABELS, EVENT_PATHS, STATUS_LABELS, STATUS_TONES } from './labels';
import './messages.css';

/**
 * The campaign's replica as far as this message's drafts go: ready once it has synced on this device and holds the
 * message (the sync pull carries each version's head text). Saving a draft through it works offline.
 */
function useDrafts(campaignId: string, messageId: string) {
  const r = useReplica(campaignId);
  const ready = r.state === 'ready' && r.synced ? r : null;
  const message = ready?.replica.get('message', messageId);
  const replica = ready && message ? ready : null;
  return {
    replica,
    message,
    opening: r.state === 'opening',
    draft: (versionId: string): VersionDraft | null =>
      replica
        ? versionDraft({
            message,
            clientId: replica.replica.clientId,
            messageId,
            versionId,
            pending: replica.replica.pendingMutations,
            rejected: replica.replica.rejected,
          })
        : null,
    /** Keeps an edit on the device (sent when there is a connection). */
    async save(versionId: string, d: VersionDraft, text: string, subject: string | null | undefined) {
      if (!replica) throw new Error('This message is not on this device yet: saving it needs a connection.');
      const args = checkLocally(MUTATORS['message.saveRevision'].args, {
        campaignId,
        messageId,
        versionId,
        text,
        ...(subject !== undefined ? { subject } : {}),
        baseRevisionId: d.serverRevisionId,
      });
      await replica.handle.mutate('message.saveRevision', args);
    },
  };
}
type Drafts = ReturnType<typeof useDrafts>;

export function MessageEditorPage({ campaignId, messageId }: { campaignId: string; messageId: string }) {
  const url = `/api/v1/campaigns/${campaignId}/messages/${messageId}`;
  const detail = useResource((signal) => api.get<MessageDetail>(url, { signal }), [url]);
  const drafts = useDrafts(campaignId, messageId);
  const { online } = useSyncOverview();
  const [tab, setTab] = useState(0);
  // A revision the server took since (this device's drafts sent, another device's edit, a refusal): read the
  // message again, so the head, history and workflow show it.
  const serverHeads =
    (drafts.message?.versions.map((x) => `${x.id}:${x.head?.id ?? ''}`).join() ?? '') +
    `/${drafts.replica?.replica.rejected.length ?? 0}`;
  const seen = useRef(serverHeads);
  const { reload } = detail;
  useEffect(() => {
    if (seen.current === serverHeads) return;
    seen.current = serverHeads;
    reload();
  }, [serverHeads, reload]);
  if (!detail.data) {
    if (drafts.message) return <OfflineMessage campaignId={campaignId} message={drafts.message} drafts={drafts} />;
    if (detail.loading || drafts.opening) return <Loading label="Loading the message…" />;
    return <LoadError error={detail.error} onRetry={detail.reload} />;
  }
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
      {!online && (
        <p className="notice notice-info" role="status">
          Offline:{' '}
          {drafts.replica
            ? 'saved drafts are kept on this device and sent when it is back online'
            : 'this message is not on this device yet, so drafts cannot be saved until it is back online'}
          . The review steps, comments, AI drafting and comparing revisions need a connection.
        </p>
      )}
      <VersionTabs
        versions={m.versions.map((x) => ({ id: x.id, label: x.audience.label, status: x.status }))}
        current={v.id}
        onSelect={setTab}
      />
      <div role="tabpanel" id="version-panel" aria-labelledby={`tab-${v.id}`}>
        <VersionEditor
          key={v.id}
          message={m}
          version={v}
          url={`${url}/versions/${v.id}`}
          onChanged={detail.reload}
          drafts={drafts}
          online={online}
        />
      </div>
      {m.permissions.write && online && (
        <NewVersion message={m} url={url} onCreated={() => (setTab(m.versions.length), detail.reload())} />
      )}
    </>
  );
}

function VersionTabs({
  versions,
  current,
  onSelect,
}: {
  versions: { id: string; label: string; status: string }[];
  current: string;
  onSelect: (i: number) => void;
}) {
  const statusOf = (s: string) => s as MessageStatus;
  return (
    <div role="tablist" aria-label="Versions" className="tabs">
      {versions.map((x, i) => (
        <button
          key={x.id}
          type="button"
          role="tab"
          id={`tab-${x.id}`}
          aria-selected={x.id === current}
          aria-controls="version-panel"
          tabIndex={x.id === current ? 0 : -1}
          className={x.id === current ? 'tab active' : 'tab'}
          onClick={() => onSelect(i)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              const next = (i + (e.key === 'ArrowRight' ? 1 : versions.length - 1)) % versions.length;
              onSelect(next);
              document.getElementById(`tab-${versions[next]!.id}`)?.focus();
            }
          }}
        >
          {x.label}{' '}
          <Badge tone={STATUS_TONES[statusOf(x.status)] ?? 'grey'}>
            {STATUS_LABELS[statusOf(x.status)] ?? x.status}
          </Badge>
        </button>
      ))}
    </div>
  );
}

/**
 * The editor's text and subject, following the head they were opened at: when the head changes (a draft sent, another
 * device's revision), the editor shows the new one unless the person typed something since.
 */
function useDraftText(head: { text: string; subject: string | null } | null) {
  const headText = head?.text ?? '';
  const headSubject = head?.subject ?? '';
  const [text, setText] = useState(headText);
  const [subject, setSubject] = useState(headSubject);
  const [base, setBase] = useState({ text: headText, subject: headSubject });
  if (base.text !== headText || base.subject !== headSubject) {
    setText((t) => followHead(t, base.text, headText));
    setSubject((s) => followHead(s, base.subject, headSubject));
    setBase({ text: headText, subject: headSubject });
  }
  return { text, setText, subject, setSubject };
}

/** Drafts of this version waiting on the device, and those the server refused (with their text, to take back). */
function DraftStatus({
  draft: d,
  drafts,
  onRestore,
}: {
  draft: VersionDraft | null;
  drafts: Drafts;
  onRestore: (text: string) => void;
}) {
  if (!d) return null;
  return (
    <>
      {d.pending.length > 0 && (
        <p className="notice notice-info draft-pending" role="status">
          Draft kept on this device, waiting to send ({d.pending.length} {d.pending.length === 1 ? 'save' : 'saves'}).
          The history shows it once the server has it.
        </p>
      )}
      {d.refusals.map((f) => (
        <div key={`${f.clientId}:${f.mutationId}`} className="notice notice-error draft-refused" role="alert">
          <p>The server refused a draft saved on this device: {f.problem.detail}</p>
          {f.text !== null && <pre>{f.text}</pre>}
          <div className="actions">
            {f.text !== null && (
              <button type="button" className="button secondary" onClick={() => onRestore(f.text!)}>
                Put its text back in the editor
              </button>
            )}
            <button
              type="button"
              className="button secondary"
              aria-label="Dismiss: refused draft"
              onClick={() => void drafts.replica?.replica.dismiss(f)}
            >
              Dismiss
            </button>
          </div>
        </div>
      ))}
    </>
  );
}

/** The message as this device holds it, when the server cannot be read: drafts can be edited and saved. */
function OfflineMessage({
  campaignId,
  message: m,
  drafts,
}: {
  campaignId: string;
  message: SyncMessage;
  drafts: Drafts;
}) {
  const [tab, setTab] = useState(0);
  const v = m.versions[Math.min(tab, m.versions.length - 1)];
  return (
    <>
      <PageHeader
        title={m.title}
        lead={
          <>
            {CHANNEL_LABELS[m.channel]} · <Link to={`${CAMPAIGNS_PATH}/${campaignId}`}>Back to the campaign</Link>
          </>
        }
      />
      <p className="notice notice-info" role="status">
        Opened from this device: the server cannot be reached. You can edit and save drafts; they are sent when it can.
        The checks, history, comments, AI drafting and review steps need a connection.
      </p>
      {v ? (
        <>
          <VersionTabs versions={m.versions} current={v.id} onSelect={setTab} />
          <div role="tabpanel" id="version-panel" aria-labelledby={`tab-${v.id}`}>
            <OfflineVersion key={v.id} versionId={v.id} label={v.label} drafts={drafts} />
          </div>
        </>
      ) : (
        <p className="muted">This message has no version on this device.</p>
      )}
    </>
  );
}

/** A version's text box, labelled by `for`, not by wrapping: a wrapping label would make the text part of its name. */
function MessageText({
  text,
  onChange,
  readOnly,
  describedBy,
}: {
  text: string;
  onChange: (text: string) => void;
  readOnly?: boolean;
  describedBy?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Text</label>
      <textarea
        id={id}
        className="message-text"
        rows={8}
        value={text}
        readOnly={readOnly}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

function OfflineVersion({ versionId, label, drafts }: { versionId: string; label: string; drafts: Drafts }) {
  const d = drafts.draft(versionId);
  const { text, setText } = useDraftText(d?.head ?? null);
  const { busy, act } = useAction();
  const save = () =>
    // The subject is kept as it was: whether this version takes one is known to the server only.
    act(
      () => drafts.save(versionId, d!, text, d?.head?.subject ?? undefined),
      'Draft kept on this device: it is sent when back online.',
    );
  return (
    <Panel title={label} id="version" description={d?.head ? `Revision ${d.head.number}` : 'No revision yet'}>
      <MessageText text={text} onChange={setText} />
      <DraftStatus draft={d} drafts={drafts} onRestore={setText} />
      <div className="actions">
        <button type="button" className="button primary" disabled={busy || !d} onClick={() => void save()}>
          Save revision
        </button>
      </div>
    </Panel>
  );
}

function VersionEditor({
  message: m,
  version: v,
  url,
  onChanged,
  drafts,
  online,
}: {
  message: MessageDetail;
  version: MessageVersion;
  url: string;
  onChanged: () => void;
  drafts: Drafts;
  online: boolean;
}) {
  // The device's head (pending drafts on top) when the replica holds the message; else the server's answer.
  const d = drafts.draft(v.id);
  const { text, setText, subject, setSubject } = useDraftText(d?.head ?? v.head);
  const { announce } = useFeedback();
  const { busy, act } = useAction();
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
  const subjectArg = v.channel === 'email' ? subject || null : undefined;
  const onDevice = () => drafts.save(v.id, d!, text, subjectArg);
  // Offline, or behind drafts still waiting on this device (kept in order), the edit goes through the replica.
  const viaDevice = d !== null && (!online || d.pending.length > 0);
  const save = () =>
    viaDevice
      ? act(onDevice, online ? 'Saved a new revision.' : 'Draft kept on this device: it is sent when back online.')
      : act(async () => {
          let r: SavedRevision;
          try {
            r = await api.post<SavedRevision>(`${url}/revisions`, {
              text,
              ...(subjectArg !== undefined ? { subject: subjectArg } : {}),
              baseRevisionId: v.head?.id ?? null,
            });
          } catch (e) {
            // No answer at all (the connection dropped): keep the draft on the device instead of losing it.
            if (e instanceof ApiError || !d) throw e;
            await onDevice();
            announce('No connection: the draft is kept on this device and sent when back online.', 'info');
            return;
          }
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
      <MessageText text={text} onChange={setText} readOnly={!canEdit} describedBy="checks" />
      <Checks id="checks" text={text} issues={live.issues} metrics={live.metrics} />
      <DraftStatus draft={d} drafts={drafts} onRestore={setText} />
      <div className="actions">
        {canEdit && (
          <button
            type="button"
            className="button primary"
            disabled={busy || (!online && !d)}
            onClick={() => void save()}
          >
            Save revision
          </button>
        )}
        {online ? (
          <Workflow version={v} url={url} onChanged={onChanged} />
        ) : (
          v.events.length > 0 && <p className="muted">The review steps need a connection.</p>
        )}
      </div>
      {canEdit && online && (
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
      <History version={v} url={url} canRestore={canEdit && online} online={online} onChanged={onChanged} />
      <Comments version={v} url={url} canComment={m.permissions.comment && online} />
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
  online,
  onChanged,
}: {
  version: MessageVersion;
  url: string;
  canRestore: boolean;
  online: boolean;
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
          disabled={busy || !from || !to || !online}
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
