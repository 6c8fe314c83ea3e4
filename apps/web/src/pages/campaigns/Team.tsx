/**
 * The campaign's team: who is on it with which campaign role; managers (and admins) add members of the
 * organization, change their roles and take them off.
 */
import {
  CAMPAIGN_ROLES,
  type CampaignDetail,
  type CampaignRole,
  type Member,
  type TeamMember,
} from '@akashic/contracts';
import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useFeedback } from '../../components/feedback';
import { FormError, InlineRoleSelect, SelectField, useSubmission } from '../../components/forms';
import { ActionsHeader, Panel, PersonCells, TableWrap } from '../../components/layout';
import { formatDate, formatDateTime } from '../../format';
import { useAction, useResource } from '../../hooks';
import { useSession } from '../../session';
import { CAMPAIGN_ROLE_HELP, CAMPAIGN_ROLE_LABELS } from './labels';

interface Props {
  campaign: CampaignDetail;
  canEdit: boolean;
  onChanged: () => void;
}

export function TeamPanel({ campaign: c, canEdit, onChanged }: Props) {
  const { me } = useSession();
  return (
    <Panel
      title="Team"
      description="Owners and admins manage every campaign; everyone else acts on it according to their campaign role."
    >
      <TableWrap label="Team table">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Campaign role</th>
              <th scope="col">Since</th>
              {canEdit && <ActionsHeader />}
            </tr>
          </thead>
          <tbody>
            {c.team.map((t) => (
              <TeamRow
                key={t.userId}
                campaignId={c.id}
                member={t}
                isSelf={t.userId === me.user.id}
                canEdit={canEdit}
                onChanged={onChanged}
              />
            ))}
          </tbody>
        </table>
      </TableWrap>
      {c.team.length === 0 && <p className="empty">Nobody is on the team yet.</p>}
      {canEdit && <AddMember campaign={c} onChanged={onChanged} />}
      <details className="role-help">
        <summary>What can each campaign role do?</summary>
        <dl>
          {CAMPAIGN_ROLES.map((r) => (
            <div key={r}>
              <dt>{CAMPAIGN_ROLE_LABELS[r]}</dt>
              <dd>{CAMPAIGN_ROLE_HELP[r]}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">
          A member whose organization role is Viewer only ever reads, whatever their campaign role.
        </p>
      </details>
    </Panel>
  );
}

function RoleOptions() {
  return (
    <>
      {CAMPAIGN_ROLES.map((r) => (
        <option key={r} value={r}>
          {CAMPAIGN_ROLE_LABELS[r]}
        </option>
      ))}
    </>
  );
}

function TeamRow({
  campaignId,
  member: t,
  isSelf,
  canEdit,
  onChanged,
}: {
  campaignId: string;
  member: TeamMember;
  isSelf: boolean;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const { confirm } = useFeedback();
  const { busy, act } = useAction();
  const url = `/api/v1/campaigns/${campaignId}/team/${t.userId}`;
  const change = (action: () => Promise<unknown>, done: string) =>
    void act(action, done).then((ok) => ok && onChanged());

  const remove = async () => {
    const ok = await confirm({
      title: `Take ${t.name} off the team?`,
      body: (
        <p>
          {t.name} stays a member of the organization{isSelf ? ', but you may lose access to this campaign' : ''}.
        </p>
      ),
      confirmLabel: 'Take off the team',
      danger: true,
    });
    if (ok) change(() => api.delete(url), `${t.name} is off the team.`);
  };

  return (
    <tr>
      <PersonCells name={t.name} email={t.email} isSelf={isSelf} />
      <td data-label="Campaign role">
        {canEdit ? (
          <InlineRoleSelect
            id={`team-role-${t.userId}`}
            who={t.name}
            label={`Campaign role for ${t.name}`}
            current={t.role}
            roles={CAMPAIGN_ROLES}
            labels={CAMPAIGN_ROLE_LABELS}
            busy={busy}
            onSave={(role) => change(() => api.patch(url, { role }), `${t.name} is now ${CAMPAIGN_ROLE_LABELS[role]}.`)}
          />
        ) : (
          CAMPAIGN_ROLE_LABELS[t.role]
        )}
      </td>
      <td data-label="Since">
        <time dateTime={t.addedAt} title={formatDateTime(t.addedAt)}>
          {formatDate(t.addedAt)}
        </time>
      </td>
      {canEdit && (
        <td data-label="Actions" className="actions-cell">
          <button type="button" className="button danger-outline small" disabled={busy} onClick={() => void remove()}>
            Remove<span className="sr-only"> {t.name} from the team</span>
          </button>
        </td>
      )}
    </tr>
  );
}

function AddMember({ campaign: c, onChanged }: { campaign: CampaignDetail; onChanged: () => void }) {
  const members = useResource((signal) => api.get<{ items: Member[] }>('/api/v1/members', { signal }), []);
  const s = useSubmission();
  const { announce } = useFeedback();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<CampaignRole>('volunteer');
  const onTeam = new Set(c.team.map((t) => t.userId));
  const candidates = (members.data?.items ?? []).filter((m) => !onTeam.has(m.userId));

  const add = (e: FormEvent) => {
    e.preventDefault();
    void s.run(async () => {
      const added = await api.post<TeamMember>(`/api/v1/campaigns/${c.id}/team`, { userId, role });
      setUserId('');
      announce(`${added.name} joined the team as ${CAMPAIGN_ROLE_LABELS[added.role]}.`);
      onChanged();
    });
  };

  return (
    <form ref={s.formRef} onSubmit={add} noValidate className="inline-form" aria-label="Add to the team">
      <h3 className="subheader">Add to the team</h3>
      <FormError error={s.error ?? members.error} shown={['userId', 'role']} />
      <div className="inline-form-row">
        <SelectField
          label="Member"
          name="userId"
          value={userId}
          error={s.fields.userId}
          fieldClassName="grow"
          onChange={(e) => setUserId(e.target.value)}
        >
          <option value="">{members.loading ? 'Loading members…' : 'Choose a member…'}</option>
          {candidates.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name} ({m.email})
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Campaign role"
          name="role"
          value={role}
          error={s.fields.role}
          onChange={(e) => setRole(e.target.value as CampaignRole)}
        >
          <RoleOptions />
        </SelectField>
        <button type="submit" className="button primary" disabled={s.busy || !userId}>
          {s.busy ? 'Adding…' : 'Add to team'}
        </button>
      </div>
    </form>
  );
}
