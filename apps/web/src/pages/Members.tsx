/** Members & invitations: the member table (roles and removal for admins) and invitations. */
import type { Invitation, Member, OrgRole } from '@akashic/contracts';
import type { FormEvent } from 'react';
import { api, errorMessage } from '../api';
import { useFeedback } from '../components/feedback';
import { FormError, InlineRoleSelect, SelectField, TextField, formValue, useSubmission } from '../components/forms';
import {
  ActionsHeader,
  Badge,
  LoadError,
  Loading,
  PageHeader,
  Panel,
  PersonCells,
  TableWrap,
} from '../components/layout';
import { ROLE_LABELS, formatDate, formatDateTime } from '../format';
import { useAction, useLiveReload, useResource } from '../hooks';
import { useSession } from '../session';

const ROLES: OrgRole[] = ['owner', 'admin', 'manager', 'staff', 'viewer'];
const INVITABLE: OrgRole[] = ['admin', 'manager', 'staff', 'viewer'];

export const ROLE_HELP: Record<OrgRole, string> = {
  owner: 'Everything an admin can, and grant or remove ownership.',
  admin: 'Manage members, invitations and settings; read the audit log.',
  manager: 'Lead work in the modules.',
  staff: 'Day-to-day work in the modules.',
  viewer: 'Read only.',
};

export function MembersPage() {
  const { isAdmin, org } = useSession();
  return (
    <>
      <PageHeader
        title="Members & invitations"
        lead={
          isAdmin
            ? `Who can work in ${org?.name ?? 'this organization'}, and with which role.`
            : `Who can work in ${org?.name ?? 'this organization'}. Only owners and admins can change roles or invite people.`
        }
      />
      <MembersPanel />
      {isAdmin && <InvitationsPanel />}
    </>
  );
}

function MembersPanel() {
  const { me, isAdmin } = useSession();
  const members = useResource((signal) => api.get<{ items: Member[] }>('/api/v1/members', { signal }), []);
  useLiveReload((e) => e.type.startsWith('platform.member.') && e.type !== 'platform.member.invited', members.reload);
  const items = members.data?.items ?? [];

  return (
    <Panel
      title="Members"
      description={members.data ? `${items.length} ${items.length === 1 ? 'member' : 'members'}` : undefined}
    >
      {members.loading && !members.data ? (
        <Loading label="Loading members…" />
      ) : members.error ? (
        <LoadError error={members.error} onRetry={members.reload} />
      ) : (
        <TableWrap label="Members table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                {isAdmin && <ActionsHeader />}
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <MemberRow
                  key={m.userId}
                  member={m}
                  isSelf={m.userId === me.user.id}
                  onChanged={(updated) =>
                    members.setData(
                      (d) =>
                        d && {
                          items: updated
                            ? d.items.map((x) => (x.userId === updated.userId ? updated : x))
                            : d.items.filter((x) => x.userId !== m.userId),
                        },
                    )
                  }
                />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Panel>
  );
}

function MemberRow({
  member: m,
  isSelf,
  onChanged,
}: {
  member: Member;
  isSelf: boolean;
  onChanged: (updated: Member | null) => void;
}) {
  const { isAdmin, isOwner, org } = useSession();
  const { confirm } = useFeedback();
  const { busy, act } = useAction();
  // Only owners may grant or take away ownership.
  const canEdit = isAdmin && (isOwner || m.role !== 'owner');
  const options = isOwner ? ROLES : ROLES.filter((r) => r !== 'owner');

  const save = (role: OrgRole) =>
    act(
      async () => onChanged(await api.patch<Member>(`/api/v1/members/${m.userId}`, { role })),
      `${m.name} is now ${ROLE_LABELS[role]}.`,
    );

  const remove = async () => {
    const ok = await confirm({
      title: `Remove ${m.name}?`,
      body: (
        <p>
          {m.name} ({m.email}) will lose access to {org?.name ?? 'this organization'}, and their API tokens for it stop
          working. You can invite them again later.
        </p>
      ),
      confirmLabel: 'Remove member',
      danger: true,
    });
    if (ok)
      await act(async () => {
        await api.delete(`/api/v1/members/${m.userId}`);
        onChanged(null);
      }, `${m.name} was removed.`);
  };

  return (
    <tr>
      <PersonCells name={m.name} email={m.email} isSelf={isSelf} />
      <td data-label="Role">
        {canEdit ? (
          <InlineRoleSelect
            id={`role-${m.userId}`}
            who={m.name}
            label={`Role for ${m.name}`}
            current={m.role}
            roles={options}
            labels={ROLE_LABELS}
            busy={busy}
            onSave={(role) => void save(role)}
          />
        ) : (
          ROLE_LABELS[m.role]
        )}
      </td>
      <td data-label="Joined">
        <time dateTime={m.joinedAt} title={formatDateTime(m.joinedAt)}>
          {formatDate(m.joinedAt)}
        </time>
      </td>
      {isAdmin && (
        <td data-label="Actions" className="actions-cell">
          {canEdit && !isSelf && (
            <button type="button" className="button danger-outline small" disabled={busy} onClick={() => void remove()}>
              Remove<span className="sr-only"> {m.name}</span>
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

const STATUS_TONE = { pending: 'blue', accepted: 'green', revoked: 'grey', expired: 'amber' } as const;

function InvitationsPanel() {
  const invitations = useResource((signal) => api.get<{ items: Invitation[] }>('/api/v1/invitations', { signal }), []);
  useLiveReload(
    (e) =>
      e.type.startsWith('platform.invitation.') ||
      e.type === 'platform.member.invited' ||
      e.type === 'platform.member.joined',
    invitations.reload,
  );
  const { announce, confirm } = useFeedback();
  const s = useSubmission();
  // Pending first, then newest first.
  const shown = [...(invitations.data?.items ?? [])].sort(
    (a, b) => Number(b.status === 'pending') - Number(a.status === 'pending') || b.createdAt.localeCompare(a.createdAt),
  );

  const invite = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void s.run(async () => {
      const inv = await api.post<Invitation>('/api/v1/invitations', {
        email: formValue(f, 'email'),
        role: formValue(f, 'role'),
      });
      invitations.setData((d) => ({ items: [inv, ...(d?.items ?? []).filter((x) => x.id !== inv.id)] }));
      form.reset();
      announce(`Invitation sent to ${inv.email}.`);
    });
  };

  const revoke = async (inv: Invitation) => {
    const ok = await confirm({
      title: 'Revoke this invitation?',
      body: <p>The invitation link sent to {inv.email} will stop working. You can send a new invitation later.</p>,
      confirmLabel: 'Revoke invitation',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.delete(`/api/v1/invitations/${inv.id}`);
      invitations.setData(
        (d) => d && { items: d.items.map((x) => (x.id === inv.id ? { ...x, status: 'revoked' } : x)) },
      );
      announce(`Invitation to ${inv.email} revoked.`);
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  return (
    <Panel title="Invitations" description="Invite people by email. The link in the invitation works once and expires.">
      <form ref={s.formRef} onSubmit={invite} noValidate className="inline-form" aria-label="Invite a member">
        <FormError error={s.error} shown={['email', 'role']} />
        <div className="inline-form-row">
          <TextField
            label="Email address"
            name="email"
            type="email"
            autoComplete="off"
            required
            error={s.fields.email}
            fieldClassName="grow"
          />
          <SelectField label="Role" name="role" defaultValue="staff" error={s.fields.role}>
            {INVITABLE.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button primary" disabled={s.busy}>
            {s.busy ? 'Sending…' : 'Send invitation'}
          </button>
        </div>
      </form>

      <details className="role-help">
        <summary>What can each role do?</summary>
        <dl>
          {ROLES.map((r) => (
            <div key={r}>
              <dt>{ROLE_LABELS[r]}</dt>
              <dd>{ROLE_HELP[r]}</dd>
            </div>
          ))}
        </dl>
      </details>

      <h3 className="subheader">Sent invitations</h3>
      {invitations.loading && !invitations.data ? (
        <Loading label="Loading invitations…" />
      ) : invitations.error ? (
        <LoadError error={invitations.error} onRetry={invitations.reload} />
      ) : shown.length === 0 ? (
        <p className="empty">No invitations yet.</p>
      ) : (
        <TableWrap label="Invitations table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Invited by</th>
                <th scope="col">Sent</th>
                <th scope="col">Expires</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {shown.map((inv) => (
                <tr key={inv.id}>
                  <td data-label="Email">{inv.email}</td>
                  <td data-label="Role">{ROLE_LABELS[inv.role]}</td>
                  <td data-label="Status">
                    <Badge tone={STATUS_TONE[inv.status]}>{inv.status[0]!.toUpperCase() + inv.status.slice(1)}</Badge>
                  </td>
                  <td data-label="Invited by">{inv.invitedBy ?? '—'}</td>
                  <td data-label="Sent" className="nowrap">
                    <time dateTime={inv.createdAt} title={formatDateTime(inv.createdAt)}>
                      {formatDate(inv.createdAt)}
                    </time>
                  </td>
                  <td data-label="Expires" className="nowrap">
                    <time dateTime={inv.expiresAt} title={formatDateTime(inv.expiresAt)}>
                      {formatDate(inv.expiresAt)}
                    </time>
                  </td>
                  <td data-label="Actions" className="actions-cell">
                    {inv.status === 'pending' && (
                      <button type="button" className="button danger-outline small" onClick={() => void revoke(inv)}>
                        Revoke<span className="sr-only"> invitation to {inv.email}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Panel>
  );
}
