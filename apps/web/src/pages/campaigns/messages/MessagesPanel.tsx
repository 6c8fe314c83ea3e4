/** A campaign's messages: the list (status, versions, last change) and a form to start one. */
import { MESSAGE_CHANNELS, type Message, type MessageChannel, type MessageDetail, type Page } from '@akashic/contracts';
import { useState } from 'react';
import { api } from '../../../api';
import { FormError, SelectField, TextField, formValue, useSubmission } from '../../../components/forms';
import { Badge, LoadError, Loading, LoadMore, Panel, TableWrap } from '../../../components/layout';
import { formatDate } from '../../../format';
import { useLiveReload, usePages } from '../../../hooks';
import { Link, navigate } from '../../../router';
import { CAMPAIGNS_PATH } from '../labels';
import { CHANNEL_LABELS, STATUS_LABELS, STATUS_TONES } from './labels';

export const messagePath = (campaignId: string, messageId: string) =>
  `${CAMPAIGNS_PATH}/${campaignId}/messages/${messageId}`;

export function MessagesPanel({ campaignId, canWrite }: { campaignId: string; canWrite: boolean }) {
  const list = usePages<Message>(
    (cursor, signal) =>
      api.get<Page<Message>>(`/api/v1/campaigns/${campaignId}/messages`, {
        query: { cursor },
        ...(signal ? { signal } : {}),
      }),
    [campaignId],
  );
  // Messages written, reviewed or decided by others: their statuses change here as it happens.
  useLiveReload((e) => e.campaignId === campaignId && e.type.startsWith('campaigns.message'), list.first.reload);
  const [creating, setCreating] = useState(false);
  const sub = useSubmission();

  const create = (form: FormData) =>
    void sub.run(async () => {
      const m = await api.post<MessageDetail>(`/api/v1/campaigns/${campaignId}/messages`, {
        title: formValue(form, 'title'),
        channel: formValue(form, 'channel') as MessageChannel,
      });
      navigate(messagePath(campaignId, m.id));
    });

  return (
    <Panel
      title="Messages"
      description="Every message with its audience versions, reviewed and approved before it goes out."
      actions={
        canWrite && !creating ? (
          <button type="button" className="button secondary" onClick={() => setCreating(true)}>
            New message
          </button>
        ) : undefined
      }
    >
      {creating && (
        <form
          ref={sub.formRef}
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            create(new FormData(e.currentTarget));
          }}
        >
          <FormError error={sub.error} shown={['body.title', 'body.channel']} />
          <TextField label="Title" name="title" required maxLength={200} error={sub.fields['title']} />
          <SelectField label="Channel" name="channel" defaultValue="email">
            {MESSAGE_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </SelectField>
          <div className="actions">
            <button type="submit" className="button primary" disabled={sub.busy}>
              Create and edit
            </button>
            <button type="button" className="button secondary" onClick={() => setCreating(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {list.first.loading && !list.first.data ? (
        <Loading label="Loading messages…" />
      ) : list.first.error ? (
        <LoadError error={list.first.error} onRetry={list.first.reload} />
      ) : list.items.length === 0 ? (
        <p className="muted">No messages yet.</p>
      ) : (
        <TableWrap label="Messages">
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col">Versions</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={messagePath(campaignId, m.id)}>{m.title}</Link>
                  </td>
                  <td>{CHANNEL_LABELS[m.channel]}</td>
                  <td>
                    <Badge tone={STATUS_TONES[m.status]}>{STATUS_LABELS[m.status]}</Badge>
                  </td>
                  <td>{m.versionCount}</td>
                  <td>{formatDate(m.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <LoadMore pages={list} />
    </Panel>
  );
}
