/**
 * The budget: totals, the lines (planned, spent, remaining; added, changed and deleted by finance and managers), the
 * weekly burn as a chart with a table behind a disclosure, and the spend entries a page at a time.
 */
import type { BudgetLine, CampaignDetail, Page, SpendEntry } from '@akashic/contracts';
import { useId, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../api';
import { useFeedback } from '../../components/feedback';
import { FormError, SelectField, TextField, useSubmission } from '../../components/forms';
import { ActionsHeader, LoadError, Loading, LoadMore, Panel, TableWrap } from '../../components/layout';
import { formatDate } from '../../format';
import { useAction, usePages } from '../../hooks';
import { invalidField } from './CampaignForm';
import { centsInput, money, parseCents } from './labels';

interface Props {
  campaign: CampaignDetail;
  canEdit: boolean;
  /** Re-read the campaign (totals, lines and burn) after a change. */
  onChanged: () => void;
}

export function BudgetPanel({ campaign: c, canEdit, onChanged }: Props) {
  const b = c.budget;
  return (
    <Panel title="Budget" description="Amounts in US dollars. Remaining is planned minus spent.">
      <dl className="headline">
        <Figure label="Planned" value={money(b.plannedCents, true)} />
        <Figure label="Spent" value={money(b.spentCents, true)} />
        <Figure label="Remaining" value={money(b.remainingCents, true)} warn={b.remainingCents < 0} />
      </dl>
      <Lines campaign={c} canEdit={canEdit} onChanged={onChanged} />
      <Burn campaign={c} />
      <Spend campaign={c} canEdit={canEdit} onChanged={onChanged} />
    </Panel>
  );
}

function Figure({ label, value, warn }: { label: string; value: string; warn?: boolean }) {
  return (
    <div className="headline-figure">
      <dt className="headline-label">{label}</dt>
      <dd>
        <strong className={warn ? 'overspent' : undefined}>{value}</strong>
        {warn && <span className="muted"> (overspent)</span>}
      </dd>
    </div>
  );
}

function Lines({ campaign: c, canEdit, onChanged }: Props) {
  const s = useSubmission();
  const { announce } = useFeedback();
  const [category, setCategory] = useState('');
  const [planned, setPlanned] = useState('');

  const add = (e: FormEvent) => {
    e.preventDefault();
    const plannedCents = parseCents(planned);
    if (Number.isNaN(plannedCents)) return s.setError(invalidField('plannedCents', 'must be an amount, e.g. 1500.00'));
    void s.run(async () => {
      const line = await api.post<BudgetLine>(`/api/v1/campaigns/${c.id}/budget-lines`, { category, plannedCents });
      setCategory('');
      setPlanned('');
      announce(`Added the budget line “${line.category}”.`);
      onChanged();
    });
  };

  return (
    <section aria-labelledby="lines-heading" className="section">
      <h3 id="lines-heading" className="subheader">
        Budget lines
      </h3>
      {c.budget.lines.length === 0 ? (
        <p className="empty">No budget lines yet.</p>
      ) : (
        <TableWrap label="Budget lines table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col" className="num">
                  Planned
                </th>
                <th scope="col" className="num">
                  Spent
                </th>
                <th scope="col" className="num">
                  Remaining
                </th>
                {canEdit && <ActionsHeader />}
              </tr>
            </thead>
            <tbody>
              {c.budget.lines.map((l) => (
                <LineRow key={l.id} campaignId={c.id} line={l} canEdit={canEdit} onChanged={onChanged} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canEdit && (
        <form ref={s.formRef} onSubmit={add} noValidate className="inline-form" aria-label="Add a budget line">
          <FormError error={s.error} shown={['category', 'plannedCents']} />
          <div className="inline-form-row">
            <TextField
              label="Category"
              name="category"
              value={category}
              maxLength={80}
              required
              error={s.fields.category}
              fieldClassName="grow"
              onChange={(e) => setCategory(e.target.value)}
            />
            <TextField
              label="Planned ($)"
              name="plannedCents"
              inputMode="decimal"
              value={planned}
              required
              error={s.fields.plannedCents}
              onChange={(e) => setPlanned(e.target.value)}
            />
            <button type="submit" className="button primary" disabled={s.busy || !category.trim()}>
              {s.busy ? 'Adding…' : 'Add line'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function LineRow({
  campaignId,
  line: l,
  canEdit,
  onChanged,
}: {
  campaignId: string;
  line: BudgetLine;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const { announce, confirm } = useFeedback();
  const [editing, setEditing] = useState(false);
  const [category, setCategory] = useState(l.category);
  const [planned, setPlanned] = useState(centsInput(l.plannedCents));
  const { busy, act } = useAction();
  const id = useId();
  const url = `/api/v1/campaigns/${campaignId}/budget-lines/${l.id}`;

  const change = (action: () => Promise<unknown>, done: string) =>
    void act(action, done).then((ok) => {
      if (!ok) return;
      setEditing(false);
      onChanged();
    });
  const save = () => {
    const plannedCents = parseCents(planned);
    if (Number.isNaN(plannedCents)) return announce('The planned amount must be an amount, e.g. 1500.00', 'error');
    change(() => api.patch(url, { version: l.version, category, plannedCents }), `Saved “${category}”.`);
  };
  const remove = async () => {
    const ok = await confirm({
      title: `Delete the budget line “${l.category}”?`,
      body: <p>Only a line without spend can be deleted.</p>,
      confirmLabel: 'Delete line',
      danger: true,
    });
    if (ok) change(() => api.delete(url), `Deleted the budget line “${l.category}”.`);
  };

  return (
    <tr>
      <td data-label="Category">
        {editing ? (
          <>
            <label className="sr-only" htmlFor={`${id}-cat`}>
              Category
            </label>
            <input id={`${id}-cat`} value={category} maxLength={80} onChange={(e) => setCategory(e.target.value)} />
          </>
        ) : (
          l.category
        )}
      </td>
      <td data-label="Planned" className="num">
        {editing ? (
          <>
            <label className="sr-only" htmlFor={`${id}-planned`}>
              Planned amount for {l.category} ($)
            </label>
            <input
              id={`${id}-planned`}
              inputMode="decimal"
              value={planned}
              onChange={(e) => setPlanned(e.target.value)}
            />
          </>
        ) : (
          money(l.plannedCents)
        )}
      </td>
      <td data-label="Spent" className="num">
        {money(l.spentCents)}
      </td>
      <td data-label="Remaining" className={`num${l.remainingCents < 0 ? ' overspent' : ''}`}>
        {money(l.remainingCents)}
      </td>
      {canEdit && (
        <td data-label="Actions" className="actions-cell">
          <div className="inline-edit">
            {editing ? (
              <>
                <button type="button" className="button primary small" disabled={busy} onClick={save}>
                  Save<span className="sr-only"> {l.category}</span>
                </button>
                <button
                  type="button"
                  className="button secondary small"
                  disabled={busy}
                  onClick={() => setEditing(false)}
                >
                  Cancel<span className="sr-only"> editing {l.category}</span>
                </button>
              </>
            ) : (
              <>
                <button type="button" className="button secondary small" onClick={() => setEditing(true)}>
                  Edit<span className="sr-only"> {l.category}</span>
                </button>
                <button
                  type="button"
                  className="button danger-outline small"
                  disabled={busy}
                  onClick={() => void remove()}
                >
                  Delete<span className="sr-only"> {l.category}</span>
                </button>
              </>
            )}
          </div>
        </td>
      )}
    </tr>
  );
}

const W = 720;
const H = 180;
const PAD = { left: 8, right: 8, top: 10, bottom: 24 };

/** Weekly spend as bars, with the same weeks as a table behind a disclosure. */
function Burn({ campaign: c }: { campaign: CampaignDetail }) {
  const id = useId();
  const burn = c.budget.burn;
  if (burn.length === 0) return null;
  const max = Math.max(...burn.map((w) => w.spentCents), 1);
  const step = (W - PAD.left - PAD.right) / burn.length;
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const peak = burn.reduce((a, w) => (w.spentCents > a.spentCents ? w : a), burn[0]!);
  const recent = burn.slice(-4);
  const recentAvg = recent.reduce((a, w) => a + w.spentCents, 0) / recent.length;
  const week = (iso: string) => `the week of ${formatDate(`${iso}T12:00:00`)}`;
  const summary =
    burn.length === 1
      ? `${money(c.budget.spentCents, true)} spent, all in ${week(burn[0]!.weekStart)}.`
      : `${money(c.budget.spentCents, true)} spent over ${burn.length} weeks from ${week(burn[0]!.weekStart)}; the ` +
        `most in one week was ${money(peak.spentCents, true)} (${week(peak.weekStart)}); the last ${recent.length} ` +
        `weeks averaged ${money(recentAvg, true)} a week.`;
  const barW = Math.min(step * 0.8, 48);
  return (
    <section aria-labelledby="burn-heading" className="section">
      <h3 id="burn-heading" className="subheader">
        Burn by week
      </h3>
      <figure className="burn">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
          <title id={`${id}-t`}>Spend per week</title>
          <desc id={`${id}-d`}>{summary}</desc>
          {burn.map((w, i) => (
            <rect
              key={w.weekStart}
              className="burn-bar"
              x={PAD.left + i * step + (step - barW) / 2}
              y={y(w.spentCents)}
              width={Math.max(barW, 1)}
              height={H - PAD.bottom - y(w.spentCents)}
            />
          ))}
          <line className="ev-axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
          <text x={PAD.left} y={H - 6} className="ev-tick">
            {burn[0]!.weekStart}
          </text>
          <text x={W - PAD.right} y={H - 6} textAnchor="end" className="ev-tick">
            {burn[burn.length - 1]!.weekStart}
          </text>
        </svg>
        <figcaption className="muted">{summary}</figcaption>
      </figure>
      <details>
        <summary>Show the weeks as a table</summary>
        <TableWrap label="Burn by week table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col" className="num">
                  Spent
                </th>
                <th scope="col" className="num">
                  Spent to date
                </th>
              </tr>
            </thead>
            <tbody>
              {burn.map((w) => (
                <tr key={w.weekStart}>
                  <td data-label="Week of">
                    <time dateTime={w.weekStart}>{formatDate(`${w.weekStart}T12:00:00`)}</time>
                  </td>
                  <td data-label="Spent" className="num">
                    {money(w.spentCents)}
                  </td>
                  <td data-label="Spent to date" className="num">
                    {money(w.cumulativeCents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </section>
  );
}

const SPEND_PAGE = 25;

function Spend({ campaign: c, canEdit, onChanged }: Props) {
  const { announce, confirm } = useFeedback();
  const s = useSubmission();
  const [form, setForm] = useState({
    lineId: '',
    amount: '',
    spentOn: new Date().toISOString().slice(0, 10),
    vendor: '',
    memo: '',
  });
  const url = `/api/v1/campaigns/${c.id}/spend`;
  // Re-read when the budget's totals change: spend was recorded or deleted, or a line was added or deleted.
  const pages = usePages(
    (cursor, signal) => api.get<Page<SpendEntry>>(url, { query: { limit: SPEND_PAGE, cursor }, signal }),
    [c.id, c.budget.spentCents, c.budget.lines.length],
  );
  const { first, items: entries } = pages;
  const lineName = new Map(c.budget.lines.map((l) => [l.id, l.category]));

  const add = (e: FormEvent) => {
    e.preventDefault();
    const amountCents = parseCents(form.amount);
    if (Number.isNaN(amountCents)) return s.setError(invalidField('amountCents', 'must be an amount, e.g. 250.00'));
    void s.run(async () => {
      await api.post<SpendEntry>(url, {
        lineId: form.lineId,
        amountCents,
        spentOn: form.spentOn,
        vendor: form.vendor,
        memo: form.memo.trim() || null,
      });
      setForm((f) => ({ ...f, amount: '', vendor: '', memo: '' }));
      announce('Recorded the spend.');
      onChanged();
    });
  };

  const remove = async (entry: SpendEntry) => {
    const ok = await confirm({
      title: 'Delete this spend entry?',
      body: (
        <p>
          {money(entry.amountCents)} to {entry.vendor} on {formatDate(`${entry.spentOn}T12:00:00`)}.
        </p>
      ),
      confirmLabel: 'Delete entry',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.delete(`${url}/${entry.id}`);
      announce('Deleted the spend entry.');
      onChanged();
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <section aria-labelledby="spend-heading" className="section">
      <h3 id="spend-heading" className="subheader">
        Spend
      </h3>
      {canEdit && c.budget.lines.length > 0 && (
        <form ref={s.formRef} onSubmit={add} noValidate className="inline-form" aria-label="Record spend">
          <FormError error={s.error} shown={['lineId', 'amountCents', 'spentOn', 'vendor', 'memo']} />
          <div className="inline-form-row">
            <SelectField
              label="Budget line"
              name="lineId"
              value={form.lineId}
              error={s.fields.lineId}
              onChange={set('lineId')}
            >
              <option value="">Choose a line…</option>
              {c.budget.lines.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.category}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Amount ($)"
              name="amountCents"
              inputMode="decimal"
              value={form.amount}
              error={s.fields.amountCents}
              onChange={set('amount')}
            />
            <TextField
              label="Date"
              name="spentOn"
              type="date"
              value={form.spentOn}
              error={s.fields.spentOn}
              onChange={set('spentOn')}
            />
            <TextField
              label="Vendor"
              name="vendor"
              value={form.vendor}
              maxLength={120}
              error={s.fields.vendor}
              fieldClassName="grow"
              onChange={set('vendor')}
            />
            <TextField
              label="Memo (optional)"
              name="memo"
              value={form.memo}
              maxLength={500}
              error={s.fields.memo}
              fieldClassName="grow"
              onChange={set('memo')}
            />
            <button type="submit" className="button primary" disabled={s.busy || !form.lineId}>
              {s.busy ? 'Recording…' : 'Record spend'}
            </button>
          </div>
        </form>
      )}
      {first.loading && !first.data ? (
        <Loading label="Loading spend…" />
      ) : first.error ? (
        <LoadError error={first.error} onRetry={first.reload} />
      ) : entries.length === 0 ? (
        <p className="empty">No spend recorded yet.</p>
      ) : (
        <>
          <TableWrap label="Spend table">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Line</th>
                  <th scope="col">Vendor</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">Memo</th>
                  {canEdit && <ActionsHeader />}
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id}>
                    <td data-label="Date" className="nowrap">
                      <time dateTime={e.spentOn}>{formatDate(`${e.spentOn}T12:00:00`)}</time>
                    </td>
                    <td data-label="Line">{lineName.get(e.lineId) ?? '—'}</td>
                    <td data-label="Vendor">{e.vendor}</td>
                    <td data-label="Amount" className="num">
                      {money(e.amountCents)}
                    </td>
                    <td data-label="Memo">{e.memo ?? ''}</td>
                    {canEdit && (
                      <td data-label="Actions" className="actions-cell">
                        <button type="button" className="button danger-outline small" onClick={() => void remove(e)}>
                          Delete
                          <span className="sr-only">
                            {' '}
                            spend of {money(e.amountCents)} to {e.vendor}
                          </span>
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <LoadMore pages={pages} label="Show more spend" />
        </>
      )}
    </section>
  );
}
