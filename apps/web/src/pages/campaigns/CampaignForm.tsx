/**
 * The campaign form, for creating a campaign and for changing one: name, type, election date, jurisdiction, the win
 * margin the vote goal aims for, and an optional manual vote goal. The server checks the jurisdiction against the
 * shipped reference data; its field errors show next to the fields.
 */
import {
  CAMPAIGN_TYPES,
  type Campaign,
  type CampaignType,
  type CreateCampaignBody,
  type ReferenceCatalog,
} from '@akashic/contracts';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { FormError, SelectField, TextField, type Submission } from '../../components/forms';
import { JurisdictionPicker, draftOf, jurisdictionOf } from './JurisdictionPicker';
import { TYPE_LABELS } from './labels';

interface Props {
  catalog: ReferenceCatalog;
  /** The campaign being changed; a new one when absent. */
  campaign?: Campaign;
  submission: Submission;
  submitLabel: string;
  onSubmit: (body: CreateCampaignBody) => void;
  onCancel?: () => void;
}

/** A field error found before sending, shown like the server's. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'The request is not valid',
    status: 400,
    code: 'validation_failed',
    detail: 'Some fields need attention',
    errors: [{ field: `body.${field}`, message }],
  });
}

const FIELDS = ['name', 'type', 'electionDate', 'jurisdiction', 'winMargin', 'voteGoalOverride'];

export function CampaignForm({ catalog, campaign, submission: s, submitLabel, onSubmit, onCancel }: Props) {
  const [name, setName] = useState(campaign?.name ?? '');
  const [type, setType] = useState<CampaignType>(campaign?.type ?? 'senate');
  const [electionDate, setElectionDate] = useState(campaign?.electionDate ?? '');
  const [jurisdiction, setJurisdiction] = useState(() => draftOf(campaign?.jurisdiction));
  const [margin, setMargin] = useState(String((campaign?.winMargin ?? 0) * 100));
  const [manual, setManual] = useState(campaign?.voteGoalOverride?.toString() ?? '');
  const countyYear = catalog.years.counties[catalog.years.counties.length - 1] ?? 2020;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const goal = manual.trim() === '' ? null : Number(manual.replace(/[,\s]/g, ''));
    if (goal !== null && !Number.isInteger(goal)) {
      s.setError(invalidField('voteGoalOverride', 'must be a whole number of votes, or empty'));
      return;
    }
    if (margin.trim() === '' || Number.isNaN(Number(margin))) {
      s.setError(invalidField('winMargin', 'must be a number of points from 0 to 50'));
      return;
    }
    onSubmit({
      name,
      type,
      electionDate,
      jurisdiction: jurisdictionOf(jurisdiction),
      winMargin: Number(margin) / 100,
      voteGoalOverride: goal,
    });
  };

  return (
    <form ref={s.formRef} onSubmit={submit} noValidate className="stack campaign-form">
      <FormError error={s.error} shown={FIELDS} />
      <div className="form-grid">
        <TextField
          label="Name"
          name="name"
          value={name}
          required
          maxLength={120}
          error={s.fields.name}
          onChange={(e) => setName(e.target.value)}
        />
        <SelectField
          label="Type"
          name="type"
          value={type}
          error={s.fields.type}
          onChange={(e) => setType(e.target.value as CampaignType)}
        >
          {CAMPAIGN_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Election date"
          name="electionDate"
          type="date"
          value={electionDate}
          required
          error={s.fields.electionDate}
          onChange={(e) => setElectionDate(e.target.value)}
        />
      </div>
      <JurisdictionPicker
        states={catalog.states}
        countyYear={countyYear}
        value={jurisdiction}
        onChange={setJurisdiction}
        error={s.fields.jurisdiction}
      />
      <div className="form-grid">
        <TextField
          label="Win margin (points)"
          name="winMargin"
          type="number"
          inputMode="decimal"
          min={0}
          max={50}
          step={0.5}
          value={margin}
          hint="0 aims for 50% of the vote plus one; 4 aims for 52%."
          error={s.fields.winMargin}
          onChange={(e) => setMargin(e.target.value)}
        />
        <TextField
          label="Manual vote goal (optional)"
          name="voteGoalOverride"
          inputMode="numeric"
          value={manual}
          hint="Replaces the goal from the turnout forecast; needed where there is no data, such as a district."
          error={s.fields.voteGoalOverride}
          onChange={(e) => setManual(e.target.value)}
        />
      </div>
      <div className="actions">
        <button type="submit" className="button primary" disabled={s.busy}>
          {s.busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button secondary" onClick={onCancel} disabled={s.busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
