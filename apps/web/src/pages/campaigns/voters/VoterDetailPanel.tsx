/** One voter: attributes, scores, vote history against the file's elections, contact history and a contact form. */
import {
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  CONTACT_OUTCOME_STATUS,
  type Contact,
  type ContactOutcome,
} from '@akashic/contracts';
import { useEffect, useRef } from 'react';
import { api } from '../../../api';
import { useFeedback } from '../../../components/feedback';
import { FormError, SelectField, formValue, useSubmission } from '../../../components/forms';
import { Badge, LoadError, Loading, TableWrap } from '../../../components/layout';
import { formatDateTime } from '../../../format';
import { useResource } from '../../../hooks';
import {
  CHANNEL_LABELS,
  CONTACT_STATUS_LABELS,
  CONTACT_STATUS_TONES,
  FIELD_LABELS,
  OUTCOME_LABELS,
  electionLabel,
  percent,
  voterName,
  votersApi,
  type VoterDetail,
} from './labels';

export function VoterDetailPanel({
  campaignId,
  voterId,
  elections,
  onClose,
  onContact,
}: {
  campaignId: string;
  voterId: string;
  /** Every election of the file, to show the ones the voter skipped too. */
  elections: string[];
  onClose: () => void;
  onContact: (outcome: ContactOutcome) => void;
}) {
  const url = `${votersApi(campaignId)}/voters/${voterId}`;
  const detail = useResource((signal) => api.get<VoterDetail>(url, { signal }), [url]);
  const heading = useRef<HTMLHeadingElement>(null);
  const sub = useSubmission();
  const { announce } = useFeedback();

  useEffect(() => {
    heading.current?.focus();
  }, [voterId]);

  const v = detail.data;
  const record = (form: HTMLFormElement) =>
    void sub.run(async () => {
      const data = new FormData(form);
      const note = formValue(data, 'note').trim();
      const outcome = formValue(data, 'outcome') as ContactOutcome;
      const c = await api.post<Contact>(`${url}/contacts`, {
        channel: formValue(data, 'channel'),
        outcome,
        ...(note ? { note } : {}),
      });
      detail.setData(
        (d) => d && { ...d, contactStatus: CONTACT_OUTCOME_STATUS[outcome], contacts: [c, ...d.contacts] },
      );
      form.reset();
      onContact(outcome);
      announce('Recorded the contact.');
    });

  const voted = new Set(v?.votes ?? []);
  const allElections = [...new Set([...elections, ...(v?.votes ?? [])])].sort().reverse();
  return (
    <section className="panel voter-detail" aria-labelledby="voter-detail-heading">
      <div className="panel-header">
        <h2 id="voter-detail-heading" ref={heading} tabIndex={-1}>
          {v ? voterName(v) : 'Voter'}
        </h2>
        <button type="button" className="button secondary small" onClick={onClose}>
          Close<span className="sr-only"> voter details</span>
        </button>
      </div>
      {detail.loading && !v ? (
        <Loading label="Loading the voter…" />
      ) : detail.error || !v ? (
        <LoadError error={detail.error} onRetry={detail.reload} />
      ) : (
        <div className="stack">
          <dl className="figures">
            <div>
              <dt>Voter id</dt>
              <dd>{v.voterId}</dd>
            </div>
            <div>
              <dt>Turnout score</dt>
              <dd>{percent(v.turnoutScore)}</dd>
            </div>
            <div>
              <dt>Persuasion score</dt>
              <dd>{percent(v.persuasionScore)}</dd>
            </div>
            <div>
              <dt>Contact status</dt>
              <dd>
                <Badge tone={CONTACT_STATUS_TONES[v.contactStatus]}>{CONTACT_STATUS_LABELS[v.contactStatus]}</Badge>
              </dd>
            </div>
          </dl>
          <dl className="voter-attributes">
            {(
              [
                ['birth_year', v.birthYear],
                ['party', v.party],
                ['registration_date', v.registrationDate],
                ['address', [v.address, v.city, v.zip].filter(Boolean).join(', ') || null],
                ['precinct', v.precinct],
                ['county_fips', v.countyFips],
                ['congressional_district', v.congressionalDistrict],
                ['state_senate_district', v.stateSenateDistrict],
                ['state_house_district', v.stateHouseDistrict],
              ] as const
            ).map(([f, value]) => (
              <div key={f}>
                <dt>{FIELD_LABELS[f]}</dt>
                <dd>{value ?? '—'}</dd>
              </div>
            ))}
          </dl>
          <div>
            <h3>Vote history</h3>
            <p className="muted">
              Voted in {v.votes.length} of {allElections.length} elections ({v.generalsVoted} generals).
            </p>
            {allElections.length > 0 && (
              <ul className="vote-history">
                {allElections.map((e) => (
                  <li key={e} className={voted.has(e) ? 'voted' : 'skipped'}>
                    <span aria-hidden="true">{voted.has(e) ? '✓' : '–'}</span> {electionLabel(e)}
                    <span className="sr-only">{voted.has(e) ? ': voted' : ': did not vote'}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3>Record a contact</h3>
            <form
              ref={sub.formRef}
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                record(e.currentTarget);
              }}
            >
              <FormError error={sub.error} shown={['channel', 'outcome', 'note']} />
              <div className="inline-form-row">
                <SelectField label="Channel" name="channel" defaultValue="door" error={sub.fields.channel}>
                  {CONTACT_CHANNELS.map((c) => (
                    <option key={c} value={c}>
                      {CHANNEL_LABELS[c]}
                    </option>
                  ))}
                </SelectField>
                <SelectField label="Outcome" name="outcome" defaultValue="talked" error={sub.fields.outcome}>
                  {CONTACT_OUTCOMES.map((o) => (
                    <option key={o} value={o}>
                      {OUTCOME_LABELS[o]}
                    </option>
                  ))}
                </SelectField>
              </div>
              <NoteField error={sub.fields.note} />
              <div className="actions">
                <button type="submit" className="button primary" disabled={sub.busy}>
                  Record contact
                </button>
              </div>
            </form>
          </div>
          <div>
            <h3>Contact history</h3>
            {v.contacts.length === 0 ? (
              <p className="muted">No contacts yet.</p>
            ) : (
              <TableWrap label="Contact history">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Channel</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Note</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.contacts.map((c) => (
                      <tr key={c.id}>
                        <td data-label="When">{formatDateTime(c.contactedAt)}</td>
                        <td data-label="Channel">{CHANNEL_LABELS[c.channel]}</td>
                        <td data-label="Outcome">{OUTCOME_LABELS[c.outcome]}</td>
                        <td data-label="Note">{c.note ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function NoteField({ error }: { error: string | undefined }) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor="voter-contact-note">Note</label>
      <textarea
        id="voter-contact-note"
        name="note"
        maxLength={2000}
        rows={3}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'voter-contact-note-error' : undefined}
      />
      {error && (
        <p className="field-error" id="voter-contact-note-error">
          {error}
        </p>
      )}
    </div>
  );
}
