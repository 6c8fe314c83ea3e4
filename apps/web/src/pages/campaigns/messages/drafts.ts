/**
 * Message drafts on the device (pure, no browser APIs): what the campaign's replica says of one audience version —
 * its head (the server's latest revision with this device's pending edits on top), the revision the server had
 * when the edits started (the `baseRevisionId` they name), how many edits wait to be sent and which ones the server
 * refused — and how the editor's text follows a head that changes under it without losing what the person typed.
 */
import type { Problem, SyncMessage } from '@akashic/contracts';

export interface DraftMutation {
  id: number;
  name: string;
  args: unknown;
}

export interface DraftRefusal {
  clientId: string;
  mutationId: number;
  name: string;
  problem: Problem;
  args?: unknown;
}

export interface VersionDraft {
  head: { text: string; subject: string | null; number: number } | null;
  /** The server's latest revision as the device knows it (what an edit made now starts from). */
  serverRevisionId: string | null;
  /** Edits of this version waiting on the device, oldest first. */
  pending: { mutationId: number; text: string }[];
  /** Refused edits of this version, with the text that was refused (nothing typed is lost). */
  refusals: (DraftRefusal & { text: string | null })[];
}

interface SaveArgs {
  messageId?: string;
  versionId?: string;
  text?: string;
}
const argsOf = (x: { args?: unknown }): SaveArgs => (x.args && typeof x.args === 'object' ? x.args : {}) as SaveArgs;
const isSave = (x: { name: string }) => x.name === 'message.saveRevision';

export function versionDraft(input: {
  message: SyncMessage | undefined;
  /** This device's client id (its own refusals are matched to its queue by mutation id). */
  clientId: string;
  messageId: string;
  versionId: string;
  pending: readonly DraftMutation[];
  rejected: readonly DraftRefusal[];
}): VersionDraft {
  const ours = (x: { name: string; args?: unknown }) =>
    isSave(x) && argsOf(x).messageId === input.messageId && argsOf(x).versionId === input.versionId;
  const v = input.message?.versions.find((x) => x.id === input.versionId);
  return {
    head: v?.head ? { text: v.head.text, subject: v.head.subject, number: v.head.number } : null,
    // While edits are pending the view's head keeps the id of the last revision the server had.
    serverRevisionId: v?.head?.id ?? null,
    // One the push answer refused is no longer waiting, though the queue keeps it until the next pull.
    pending: input.pending
      .filter((m) => ours(m) && !input.rejected.some((r) => r.clientId === input.clientId && r.mutationId === m.id))
      .map((m) => ({ mutationId: m.id, text: argsOf(m).text ?? '' })),
    refusals: input.rejected.filter(ours).map((r) => ({ ...r, text: argsOf(r).text ?? null })),
  };
}

/**
 * The editor's text when the head it shows changes from `before` to `after`: the new head, unless the person has
 * typed something that is not the old head (their unsaved text stays).
 */
export function followHead(text: string, before: string, after: string): string {
  return text === before ? after : text;
}
