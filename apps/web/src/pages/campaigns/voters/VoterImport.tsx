/**
 * Importing a voter file: the header is read locally, the server detects the column mapping (overridable field by
 * field), the import job is created, then the file is PUT as the request body (the browser streams it from disk)
 * while the job is polled for its progress; the validation report follows.
 */
import {
  VOTER_FIELDS,
  type ColumnMapping,
  type DetectedMapping,
  type Page,
  type VoterField,
  type VoterImport,
} from '@akashic/contracts';
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, api } from '../../../api';
import { FormError, TextField, useSubmission } from '../../../components/forms';
import { Badge, LoadError, Loading, LoadMore, Panel, TableWrap } from '../../../components/layout';
import { formatDateTime } from '../../../format';
import { usePages } from '../../../hooks';
import {
  FIELD_LABELS,
  PHASE_LABELS,
  electionLabel,
  formatBytes,
  formatCount,
  percent,
  readCsvHeader,
  votersApi,
} from './labels';

const POLL_MS = 1000;
const STATUS_TONES = { pending: 'grey', running: 'blue', succeeded: 'green', failed: 'red' } as const;
const STATUS_LABELS = { pending: 'Waiting', running: 'Running', succeeded: 'Succeeded', failed: 'Failed' } as const;

interface Picked {
  file: File;
  header: string[];
  /** Detected without overrides: what the selects start from. */
  base: DetectedMapping;
  /** With the current overrides. */
  current: DetectedMapping;
  overrides: ColumnMapping;
}

export function ImportPanel({
  campaignId,
  defaultElection,
  onImported,
}: {
  campaignId: string;
  defaultElection: string;
  onImported: () => void;
}) {
  const base = votersApi(campaignId);
  const [picked, setPicked] = useState<Picked | null>(null);
  const [pickError, setPickError] = useState<unknown>(null);
  const [reading, setReading] = useState(false);
  const [job, setJob] = useState<VoterImport | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [target, setTarget] = useState('');
  const sub = useSubmission();
  const fileInput = useRef<HTMLInputElement>(null);
  const fileId = useId();
  const history = usePages<VoterImport>(
    (cursor, signal) =>
      api.get<Page<VoterImport>>(`${base}/voter-imports`, {
        query: { cursor, limit: 10 },
        ...(signal ? { signal } : {}),
      }),
    [campaignId],
  );

  const pick = async (file: File | undefined) => {
    setPicked(null);
    setPickError(null);
    setJob(null);
    setUploadError(null);
    sub.setError(null);
    if (!file) return;
    setReading(true);
    try {
      const header = await readCsvHeader(file);
      const detected = await api.post<DetectedMapping>(`${base}/voter-mapping`, { header });
      setPicked({ file, header, base: detected, current: detected, overrides: {} });
    } catch (e) {
      setPickError(e);
    } finally {
      setReading(false);
    }
  };

  const override = async (field: VoterField, column: string) => {
    if (!picked) return;
    const overrides: ColumnMapping = { ...picked.overrides };
    const detected = picked.base.mapping[field] ?? '';
    if (column === detected) delete overrides[field];
    else overrides[field] = column === '' ? null : column;
    setPicked({ ...picked, overrides });
    try {
      const current = await api.post<DetectedMapping>(`${base}/voter-mapping`, {
        header: picked.header,
        mapping: overrides,
      });
      setPicked((p) => (p && p.file === picked.file ? { ...p, overrides, current } : p));
    } catch (e) {
      setPickError(e);
    }
  };

  const start = () =>
    void sub.run(async () => {
      if (!picked) return;
      const created = await api.post<VoterImport>(`${base}/voter-imports`, {
        fileName: picked.file.name,
        ...(Object.keys(picked.overrides).length > 0 ? { mapping: picked.overrides } : {}),
        ...(target.trim() ? { targetElection: target.trim() } : {}),
      });
      setJob(created);
      setUploading(true);
      setUploadError(null);
      api
        .upload<VoterImport>(`${base}/voter-imports/${created.id}/file`, picked.file, 'text/csv')
        .then((done) => {
          setJob(done);
          if (done.status === 'succeeded') onImported();
        })
        .catch((e: unknown) => setUploadError(e))
        .finally(() => {
          setUploading(false);
          history.first.reload();
        });
    });

  // Poll the job while the upload runs (the PUT answers only when the import is done).
  const jobId = job?.id;
  const finished = job?.status === 'succeeded' || job?.status === 'failed';
  const live = uploading || job?.status === 'running';
  useEffect(() => {
    if (!jobId || !live) return;
    let stop = false;
    const tick = async () => {
      try {
        const j = await api.get<VoterImport>(`${base}/voter-imports/${jobId}`);
        if (!stop)
          setJob((cur) => (cur && cur.id === j.id && cur.status !== 'succeeded' && cur.status !== 'failed' ? j : cur));
      } catch {
        /* a missed poll is retried on the next tick */
      }
    };
    const t = window.setInterval(() => void tick(), POLL_MS);
    return () => {
      stop = true;
      window.clearInterval(t);
    };
  }, [base, jobId, live]);

  // After a failed upload, read the job once more: it may say why.
  useEffect(() => {
    if (!uploadError || !jobId) return;
    api
      .get<VoterImport>(`${base}/voter-imports/${jobId}`)
      .then(setJob)
      .catch(() => undefined);
  }, [base, jobId, uploadError]);

  const reset = () => {
    setPicked(null);
    setJob(null);
    setUploadError(null);
    setTarget('');
    sub.setError(null);
    if (fileInput.current) fileInput.current.value = '';
  };

  const mappingErrors = picked?.current.errors ?? [];
  const busy = sub.busy || uploading;
  return (
    <Panel
      title="Import a voter file"
      id="voter-import"
      description="A CSV with a voter id column, attribute columns and one column per past election named <TYPE>_<YYYY-MM-DD>. Good rows are imported, bad rows reported; re-importing a voter updates them."
    >
      {!job && (
        <div className="stack">
          <div className="field">
            <label htmlFor={fileId}>Voter file (CSV)</label>
            <input
              ref={fileInput}
              id={fileId}
              type="file"
              accept=".csv,text/csv"
              disabled={busy || reading}
              onChange={(e) => void pick(e.currentTarget.files?.[0])}
            />
          </div>
          {reading && <Loading label="Reading the header…" />}
          {pickError ? <LoadError error={pickError} /> : null}
          {picked && (
            <form
              ref={sub.formRef}
              className="stack"
              onSubmit={(e) => {
                e.preventDefault();
                start();
              }}
            >
              <p className="muted">
                <strong>{picked.file.name}</strong> · {formatBytes(picked.file.size)} · {picked.header.length} columns
              </p>
              <fieldset className="mapping">
                <legend>Column mapping</legend>
                <p className="hint">Detected from the header; change a field’s column, or leave it out.</p>
                <div className="mapping-grid">
                  {VOTER_FIELDS.map((f) => (
                    <MappingSelect
                      key={f}
                      field={f}
                      header={picked.header}
                      detected={picked.base.mapping[f]}
                      value={picked.current.mapping[f] ?? ''}
                      overridden={f in picked.overrides}
                      disabled={busy}
                      onChange={(col) => void override(f, col)}
                    />
                  ))}
                </div>
              </fieldset>
              <div className="mapping-summary">
                <p>
                  <strong>{picked.current.elections.length}</strong> election columns (vote history)
                  {picked.current.elections.length > 0 && (
                    <>: {picked.current.elections.map(electionLabel).join(', ')}</>
                  )}
                </p>
                {picked.current.ignored.length > 0 && (
                  <p className="muted">Not imported: {picked.current.ignored.join(', ')}</p>
                )}
              </div>
              {mappingErrors.length > 0 && (
                <div className="form-error" role="alert">
                  <p>This mapping would fail the import:</p>
                  <ul>
                    {mappingErrors.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                </div>
              )}
              <TextField
                label="Election the turnout score predicts"
                name="targetElection"
                value={target}
                onChange={(e) => setTarget(e.target.value)}
                placeholder={defaultElection}
                hint={`Optional: <TYPE>_<YYYY-MM-DD>. Default ${defaultElection}.`}
                error={sub.fields.targetElection}
                fieldClassName="narrow"
              />
              <FormError error={sub.error} shown={['targetElection']} />
              <div className="actions">
                <button type="submit" className="button primary" disabled={busy || mappingErrors.length > 0}>
                  Import {picked.file.name}
                </button>
                <button type="button" className="button secondary" onClick={reset} disabled={busy}>
                  Cancel
                </button>
              </div>
            </form>
          )}
        </div>
      )}
      {job && (
        <div className="stack">
          <ImportProgress job={job} fileSize={picked?.file.size ?? null} uploading={uploading} />
          {uploadError ? <UploadError error={uploadError} /> : null}
          {finished && <ImportReport job={job} />}
          {!uploading && (
            <div className="actions">
              <button type="button" className="button secondary" onClick={reset}>
                Import another file
              </button>
            </div>
          )}
        </div>
      )}
      <ImportHistory
        history={history}
        onOpen={(j) => {
          setPicked(null);
          setUploadError(null);
          setJob(j);
        }}
        disabled={uploading}
      />
    </Panel>
  );
}

function MappingSelect({
  field,
  header,
  detected,
  value,
  overridden,
  disabled,
  onChange,
}: {
  field: VoterField;
  header: string[];
  detected: string | undefined;
  value: string;
  overridden: boolean;
  disabled: boolean;
  onChange: (column: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {FIELD_LABELS[field]}
        {overridden && <span className="muted"> (changed)</span>}
      </label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        <option value="">— not imported —</option>
        {header
          .filter((h) => h !== '')
          .map((h) => (
            <option key={h} value={h}>
              {h}
              {h === detected ? ' (detected)' : ''}
            </option>
          ))}
      </select>
    </div>
  );
}

function UploadError({ error }: { error: unknown }) {
  const extra =
    error instanceof ApiError && error.status === 413 ? ' The file is larger than the server accepts (2 GB).' : '';
  return (
    <div className="form-error" role="alert">
      <p>
        The upload failed: {error instanceof Error ? error.message : String(error)}
        {extra}
      </p>
    </div>
  );
}

function ImportProgress({
  job,
  fileSize,
  uploading,
}: {
  job: VoterImport;
  fileSize: number | null;
  uploading: boolean;
}) {
  const fraction = fileSize ? Math.min(1, job.bytesRead / fileSize) : null;
  const progressId = useId();
  // Announced: the phase and the progress in steps of 10%, not every poll.
  const step = fraction === null ? null : Math.floor(fraction * 10) * 10;
  return (
    <div className="import-progress">
      <h3>
        {job.fileName} <Badge tone={STATUS_TONES[job.status]}>{STATUS_LABELS[job.status]}</Badge>
      </h3>
      <p className="sr-only" role="status" aria-live="polite" aria-atomic="true">
        {job.status === 'succeeded'
          ? `Import finished: ${formatCount(job.rowsImported)} voters imported, ${formatCount(job.rowsRejected)} rows rejected.`
          : job.status === 'failed'
            ? 'Import failed.'
            : `${PHASE_LABELS[job.phase]}${step !== null && job.phase === 'reading' ? `, ${step}%` : ''}`}
      </p>
      {fraction !== null && job.status !== 'succeeded' && job.status !== 'failed' && (
        <div className="field">
          <label htmlFor={progressId}>
            {PHASE_LABELS[job.phase]}
            {uploading ? '…' : ''}
          </label>
          <progress id={progressId} max={1} value={job.phase === 'reading' || job.phase === 'waiting' ? fraction : 1} />
        </div>
      )}
      <dl className="figures">
        <div>
          <dt>Phase</dt>
          <dd>{PHASE_LABELS[job.phase]}</dd>
        </div>
        <div>
          <dt>Read</dt>
          <dd>
            {formatBytes(job.bytesRead)}
            {fileSize ? ` of ${formatBytes(fileSize)}` : ''}
          </dd>
        </div>
        <div>
          <dt>Rows read</dt>
          <dd>{formatCount(job.rowsRead)}</dd>
        </div>
        <div>
          <dt>Imported</dt>
          <dd>{formatCount(job.rowsImported)}</dd>
        </div>
        <div>
          <dt>Rejected</dt>
          <dd>{formatCount(job.rowsRejected)}</dd>
        </div>
      </dl>
      {job.error && (
        <div className="form-error" role="alert">
          <p>{job.error}</p>
          <p>Nothing was written: the import is all or nothing.</p>
        </div>
      )}
    </div>
  );
}

function ImportReport({ job }: { job: VoterImport }) {
  const reasons = Object.entries(job.report.reasons).sort((a, b) => b[1] - a[1]);
  const s = job.scores;
  return (
    <div className="import-report stack">
      <h3>Validation report</h3>
      {job.status === 'succeeded' && (
        <p>
          {formatCount(job.rowsImported)} voters imported ({formatCount(job.rowsInserted)} new,{' '}
          {formatCount(job.rowsUpdated)} updated); {formatCount(job.rowsRejected)} rows rejected.
        </p>
      )}
      {reasons.length === 0 ? (
        <p className="muted">No bad rows.</p>
      ) : (
        <>
          <TableWrap label="Bad rows by reason">
            <table className="table">
              <caption className="sr-only">Bad rows by reason</caption>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col" className="num">
                    Rows
                  </th>
                </tr>
              </thead>
              <tbody>
                {reasons.map(([r, n]) => (
                  <tr key={r}>
                    <td data-label="Reason">{r}</td>
                    <td data-label="Rows" className="num">
                      {formatCount(n)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <h4>Bad rows{job.report.truncated ? ` (the first ${formatCount(job.report.badRows.length)})` : ''}</h4>
          <div className="bad-rows">
            <TableWrap label="Bad rows">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Line
                    </th>
                    <th scope="col">Voter id</th>
                    <th scope="col">Reasons</th>
                  </tr>
                </thead>
                <tbody>
                  {job.report.badRows.map((b) => (
                    <tr key={b.line}>
                      <td data-label="Line" className="num">
                        {b.line}
                      </td>
                      <td data-label="Voter id">{b.voterId ?? '—'}</td>
                      <td data-label="Reasons">{b.reasons.join('; ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </div>
        </>
      )}
      {s && (
        <div className="stack">
          <h3>Scores</h3>
          <p>
            Turnout model for {electionLabel(s.election)}
            {s.model ? ` (${s.model})` : ''}: held-out AUC{' '}
            <strong>{s.heldOutAuc === null ? '—' : s.heldOutAuc.toFixed(3)}</strong>
            {s.heldOutElection ? ` on ${electionLabel(s.heldOutElection)}` : ''}.{' '}
            {s.persuasion ? 'Persuasion scores computed.' : 'No persuasion scores.'}
          </p>
          {s.warnings.length > 0 && (
            <ul className="notice notice-info">
              {s.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          {s.calibration.length > 0 && (
            <TableWrap label="Calibration">
              <table className="table">
                <caption className="sr-only">Calibration by decile of predicted turnout</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Decile
                    </th>
                    <th scope="col" className="num">
                      Voters
                    </th>
                    <th scope="col" className="num">
                      Predicted
                    </th>
                    <th scope="col" className="num">
                      Observed
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {s.calibration.map((c) => (
                    <tr key={c.decile}>
                      <td data-label="Decile" className="num">
                        {c.decile}
                      </td>
                      <td data-label="Voters" className="num">
                        {formatCount(c.voters)}
                      </td>
                      <td data-label="Predicted" className="num">
                        {percent(c.predicted, 1)}
                      </td>
                      <td data-label="Observed" className="num">
                        {percent(c.observed, 1)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </div>
      )}
    </div>
  );
}

function ImportHistory({
  history,
  onOpen,
  disabled,
}: {
  history: ReturnType<typeof usePages<VoterImport>>;
  onOpen: (job: VoterImport) => void;
  disabled: boolean;
}) {
  if (history.first.loading && !history.first.data) return <Loading label="Loading imports…" />;
  if (history.first.error) return <LoadError error={history.first.error} onRetry={history.first.reload} />;
  if (history.items.length === 0) return null;
  return (
    <details className="import-history">
      <summary>
        Earlier imports ({history.items.length}
        {history.hasMore ? '+' : ''})
      </summary>
      <TableWrap label="Earlier imports">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Imported
              </th>
              <th scope="col" className="num">
                Rejected
              </th>
              <th scope="col">Started</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {history.items.map((j) => (
              <tr key={j.id}>
                <td data-label="File">{j.fileName}</td>
                <td data-label="Status">
                  <Badge tone={STATUS_TONES[j.status]}>{STATUS_LABELS[j.status]}</Badge>
                </td>
                <td data-label="Imported" className="num">
                  {formatCount(j.rowsImported)}
                </td>
                <td data-label="Rejected" className="num">
                  {formatCount(j.rowsRejected)}
                </td>
                <td data-label="Started">{formatDateTime(j.startedAt ?? j.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    className="button secondary small"
                    disabled={disabled}
                    onClick={() => onOpen(j)}
                  >
                    Report<span className="sr-only"> for {j.fileName}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <LoadMore pages={history} />
    </details>
  );
}
