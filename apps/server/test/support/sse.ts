/**
 * A Server-Sent Events client, as a browser's EventSource reads the stream (frames, ids, events). Over node:http
 * rather than fetch: closing it destroys the connection, as a closed browser tab does.
 */
import http from 'node:http';
import { authHeaders, type Actor } from './http.js';

export interface SseFrame {
  id: string | undefined;
  /** `message` unless the frame names another event. */
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The next frame that is not a comment (heartbeat); throws after `timeoutMs`, or when the stream has ended. */
  next(timeoutMs?: number): Promise<SseFrame>;
  /** Frames until one matches `pred` (that one included). */
  until(pred: (f: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame[]>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** The id a browser would send as Last-Event-ID on reconnecting: the last one the stream gave, event or not. */
  readonly lastEventId: string | undefined;
  /** Comment lines seen so far (heartbeats). */
  readonly comments: number;
  close(): void;
}

export async function openStream(
  actor: Actor,
  path = '/api/v1/realtime',
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const req = http.get(actor.baseUrl + path, { headers: { ...authHeaders(actor), ...headers }, agent: false });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  res.setEncoding('utf8');
  const frames: SseFrame[] = [];
  const waiters: (() => void)[] = [];
  let comments = 0;
  let lastEventId: string | undefined;
  let done = false;
  const wake = () => waiters.splice(0).forEach((w) => w());
  const ended = (async () => {
    let buffer = '';
    try {
      for await (const value of res) {
        buffer += value as string;
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const f: SseFrame = { id: undefined, event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              comments++;
              continue;
            }
            const colon = line.indexOf(': ');
            const [name, value] = [line.slice(0, colon), line.slice(colon + 2)];
            if (name === 'id') f.id = lastEventId = value;
            else if (name === 'event') f.event = value;
            else if (name === 'data') {
              f.data += value;
              hasData = true;
            }
          }
          // As EventSource: a block without data dispatches nothing (its id still counts).
          if (hasData) frames.push(f);
          wake();
        }
      }
    } catch {
      /* aborted */
    } finally {
      done = true;
      wake();
    }
  })();

  async function next(timeoutMs = 5000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    while (frames.length === 0) {
      if (done) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no frame within the timeout');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        waiters.push(() => (clearTimeout(t), r()));
      });
    }
    return frames.shift()!;
  }

  return {
    status: res.statusCode!,
    headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
    next,
    async until(pred, timeoutMs = 5000) {
      const seen: SseFrame[] = [];
      for (;;) {
        const f = await next(timeoutMs);
        seen.push(f);
        if (pred(f)) return seen;
      }
    },
    ended,
    get lastEventId() {
      return lastEventId;
    },
    get comments() {
      return comments;
    },
    close: () => req.destroy(),
  };
}
