/** The mail the e2e server would have sent (see setup.ts): what a recipient reads, for following its links. */
import { existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** The latest mail to `to`, waiting up to `timeoutMs` for it (the server writes mail after the response). */
export async function latestMailTo(to: string, timeoutMs = 10_000): Promise<Mail> {
  const file = inject('mailbox');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Mail)
          .filter((m) => m.to === to)
      : [];
    if (mails.length) return mails[mails.length - 1]!;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
