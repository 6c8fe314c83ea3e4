/**
 * The chat-completions adapter against a real HTTP server on 127.0.0.1 that speaks the OpenAI protocol: it checks
 * the request as OpenAI does (path, bearer key, JSON body shape) and answers with OpenAI's responses, errors and
 * server-sent event streams. The model name picks the behaviour.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aiErrorToAppError,
  AiNotConfiguredError,
  AiProviderError,
  chatCompletion,
  resolveProvider,
  retryAfterSeconds,
  sealProviderKey,
  streamChatCompletion,
  type AiProvider,
  type ChatMessage,
} from '../src/modules/campaigns/messaging/ai.js';

const KEY = 'sk-test-4f9a';
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You draft campaign messages.' },
  { role: 'user', content: 'A text reminding volunteers about Saturday.' },
];

interface Recorded {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const openAiError = (message: string, type: string, code: string | null = null) =>
  JSON.stringify({ error: { message, type, param: null, code } });

/** Why a body is not a valid chat-completions request (OpenAI answers 400 invalid_request_error), or null. */
function invalidRequest(body: Record<string, unknown>): string | null {
  if (typeof body.model !== 'string' || !body.model) return "'model' is a required property";
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return "'messages' must be a non-empty array";
  for (const [i, m] of messages.entries()) {
    if (!['system', 'user', 'assistant'].includes(m?.role)) return `'messages.${i}.role' is invalid`;
    if (typeof m?.content !== 'string') return `'messages.${i}.content' must be a string`;
  }
  const t = body.temperature;
  if (t !== undefined && (typeof t !== 'number' || t < 0 || t > 2)) return "'temperature' must be between 0 and 2";
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return "'stream' must be a boolean";
  if (body.max_tokens !== undefined && !Number.isInteger(body.max_tokens)) return "'max_tokens' must be an integer";
  return null;
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-test1',
    object: 'chat.completion',
    created: 1_760_000_000,
    model: `${model}-2025-01-01`,
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 31, completion_tokens: 12, total_tokens: 43 },
  };
}

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-test2', object: 'chat.completion.chunk', created: 1_760_000_000, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] })}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const requests: Recorded[] = [];
let server: http.Server;
let base: string;
let provider: AiProvider;

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  let raw = '';
  for await (const piece of req) raw += piece;
  const json = (status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    return json(404, openAiError(`Invalid URL (${req.method} ${req.url})`, 'invalid_request_error'));
  }
  if (req.headers.authorization !== `Bearer ${KEY}`) {
    const shown = (req.headers.authorization ?? '').replace(/^Bearer /, '').slice(0, 6);
    return json(
      401,
      openAiError(`Incorrect API key provided: ${shown}****.`, 'invalid_request_error', 'invalid_api_key'),
    );
  }
  if (!req.headers['content-type']?.startsWith('application/json')) {
    return json(400, openAiError('Unsupported content type', 'invalid_request_error'));
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw);
  } catch {
    return json(400, openAiError('We could not parse the JSON body of your request.', 'invalid_request_error'));
  }
  requests.push({ path: req.url, headers: req.headers, body });
  const invalid = invalidRequest(body);
  if (invalid) return json(400, openAiError(invalid, 'invalid_request_error'));
  const model = body.model as string;
  const last = (body.messages as ChatMessage[]).at(-1)!.content;

  switch (model) {
    case 'rate-limited':
      return json(
        429,
        openAiError(
          'Rate limit reached for gpt-test on requests per min (RPM): Limit 3.',
          'requests',
          'rate_limit_exceeded',
        ),
        { 'retry-after': '7' },
      );
    case 'rate-limited-ms':
      return json(429, openAiError('Rate limit reached.', 'tokens', 'rate_limit_exceeded'), {
        'retry-after-ms': '1500',
        'retry-after': '9',
      });
    case 'no-quota':
      return json(
        429,
        openAiError(
          'You exceeded your current quota, please check your plan and billing details.',
          'insufficient_quota',
          'insufficient_quota',
        ),
      );
    case 'overloaded':
      return json(503, openAiError('The server is overloaded or not ready yet.', 'server_error'));
    case 'crash':
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    case 'redirect':
      res.writeHead(307, { location: 'http://127.0.0.1:1/v1/chat/completions' });
      return res.end();
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<html>maintenance</html>');
    case 'tool-call':
      return json(
        200,
        JSON.stringify({
          ...completion(model, ''),
          choices: [
            { index: 0, message: { role: 'assistant', content: null, tool_calls: [] }, finish_reason: 'tool_calls' },
          ],
        }),
      );
    case 'slow':
      await sleep(1500);
      if (!res.destroyed) json(200, JSON.stringify(completion(model, 'late')));
      return;
    case 'gpt-test':
    case 'stream-cut':
    case 'stream-error':
    case 'stream-stall':
    case 'ignores-stream':
      break;
    default:
      return json(
        404,
        openAiError(
          `The model \`${model}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found',
        ),
      );
  }

  const reply = `Saturday, 9am: canvass launch. (${last.length} chars asked)`;
  if (!body.stream || model === 'ignores-stream') return json(200, JSON.stringify(completion(model, reply)));

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const pieces = ['Saturday, ', '9am: ', 'canvass ', 'launch 🚀', '.'];
  // Events split across network writes mid-line, CRLF endings, a keep-alive comment: what real streams do.
  const wire =
    [chunk({ role: 'assistant', content: '' }), ': keep-alive', ...pieces.map((p) => chunk({ content: p }))].join(
      '\r\n\r\n',
    ) + '\r\n\r\n';
  const cut = wire.indexOf('\r\n', Math.floor(wire.length / 3)) + 1; // between a CR and its LF
  res.write(wire.slice(0, cut));
  await sleep(20);
  if (model === 'stream-stall') {
    await sleep(1500);
    return res.destroyed ? undefined : res.end();
  }
  res.write(wire.slice(cut));
  if (model === 'stream-cut') return res.end();
  if (model === 'stream-error') {
    res.write(`data: ${openAiError('The server had an error while processing your request.', 'server_error')}\n\n`);
    return res.end();
  }
  res.write(`${chunk({}, 'stop')}\n\n`);
  res.end('data: [DONE]\n\n');
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    handle(req, res).catch((e) => res.destroy(e));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  provider = { baseUrl: base, model: 'gpt-test', apiKey: KEY };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const as = (model: string, extra: Partial<AiProvider> = {}): AiProvider => ({ ...provider, model, ...extra });

async function failure(p: Promise<unknown>): Promise<AiProviderError> {
  const e = await p.then(
    () => expect.unreachable('expected a failure'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AiProviderError);
  return e as AiProviderError;
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of stream) out.push(piece);
  return out;
}

describe('chat completions', () => {
  it('posts model, messages and temperature with the bearer key, and reads the answer', async () => {
    const before = requests.length;
    const answer = await chatCompletion({ ...provider, baseUrl: `${base}/` }, MESSAGES, {
      temperature: 0.2,
      maxTokens: 300,
    });
    expect(answer).toEqual({
      content: 'Saturday, 9am: canvass launch. (43 chars asked)',
      model: 'gpt-test-2025-01-01',
      finishReason: 'stop',
      usage: { promptTokens: 31, completionTokens: 12, totalTokens: 43 },
    });
    const sent = requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent[0]!.body).toEqual({ model: 'gpt-test', messages: MESSAGES, temperature: 0.2, max_tokens: 300 });
  });

  it('maps OpenAI errors to typed errors', async () => {
    const bad = await failure(chatCompletion(as('gpt-test', { apiKey: 'sk-wrong' }), MESSAGES));
    expect(bad).toMatchObject({ kind: 'unauthorized', status: 401, providerCode: 'invalid_api_key' });
    expect(bad.message).toBe('The AI provider rejected the API key (401): Incorrect API key provided: sk-wro****.');

    const model = await failure(chatCompletion(as('gpt-nope'), MESSAGES));
    expect(model).toMatchObject({ kind: 'model_not_found', status: 404, providerCode: 'model_not_found' });
    expect(model.message).toContain('no model “gpt-nope”');

    const endpoint = await failure(chatCompletion(as('gpt-test', { baseUrl: `${base}/v2` }), MESSAGES));
    expect(endpoint).toMatchObject({ kind: 'endpoint_not_found', status: 404 });

    expect(await failure(chatCompletion(as('rate-limited'), MESSAGES))).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfter: 7,
    });
    expect(await failure(chatCompletion(as('rate-limited-ms'), MESSAGES))).toMatchObject({ retryAfter: 2 });
    expect(await failure(chatCompletion(as('no-quota'), MESSAGES))).toMatchObject({ kind: 'quota_exceeded' });
    expect(await failure(chatCompletion(as('overloaded'), MESSAGES))).toMatchObject({
      kind: 'upstream',
      status: 503,
      providerMessage: 'The server is overloaded or not ready yet.',
    });
    const proxy = await failure(chatCompletion(as('crash'), MESSAGES));
    expect(proxy).toMatchObject({ kind: 'upstream', status: 502 });
    expect(proxy.providerMessage).toContain('502 Bad Gateway');
    const invalid = await failure(chatCompletion(provider, MESSAGES, { temperature: 5 }));
    expect(invalid).toMatchObject({ kind: 'bad_request', status: 400 });
    expect(invalid.message).toContain("'temperature' must be between 0 and 2");
  });

  it('does not follow redirects, and rejects answers that are not completions', async () => {
    const redirect = await failure(chatCompletion(as('redirect'), MESSAGES));
    expect(redirect).toMatchObject({ kind: 'bad_response', status: 307 });
    expect(redirect.message).toContain('redirected to http://127.0.0.1:1/v1/chat/completions');
    expect(await failure(chatCompletion(as('html'), MESSAGES))).toMatchObject({ kind: 'bad_response' });
    expect(await failure(chatCompletion(as('tool-call'), MESSAGES))).toMatchObject({ kind: 'bad_response' });
  });

  it('times out, and tells a timeout from the caller giving up', async () => {
    const started = Date.now();
    const timeout = await failure(chatCompletion(as('slow'), MESSAGES, { timeoutMs: 150 }));
    expect(timeout).toMatchObject({ kind: 'timeout', message: 'The AI provider did not answer within 0.15 s.' });
    expect(Date.now() - started).toBeLessThan(1200);

    const caller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => caller.abort(reason), 50);
    await expect(chatCompletion(as('slow'), MESSAGES, { signal: caller.signal, timeoutMs: 5000 })).rejects.toBe(reason);
  });

  it('reports a provider that cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await failure(chatCompletion(as('gpt-test', { baseUrl: `http://127.0.0.1:${port}/v1` }), MESSAGES));
    expect(e).toMatchObject({ kind: 'unreachable' });
    expect(e.message).toContain('ECONNREFUSED');
  });
});

describe('streamed chat completions', () => {
  it('yields the text as it arrives, across split network writes, until [DONE]', async () => {
    const before = requests.length;
    expect(await collect(streamChatCompletion(provider, MESSAGES, { temperature: 0.5 }))).toEqual([
      'Saturday, ',
      '9am: ',
      'canvass ',
      'launch 🚀',
      '.',
    ]);
    expect(requests[before]!.body).toMatchObject({ stream: true, temperature: 0.5 });
    expect(requests[before]!.headers.accept).toBe('text/event-stream');
  });

  it('accepts a provider that answers whole although asked to stream', async () => {
    expect(await collect(streamChatCompletion(as('ignores-stream'), MESSAGES))).toEqual([
      'Saturday, 9am: canvass launch. (43 chars asked)',
    ]);
  });

  it('fails on a stream cut short, an error event, an idle stream and an HTTP error', async () => {
    expect(await failure(collect(streamChatCompletion(as('stream-cut'), MESSAGES)))).toMatchObject({
      kind: 'bad_response',
    });
    expect(await failure(collect(streamChatCompletion(as('stream-error'), MESSAGES)))).toMatchObject({
      kind: 'upstream',
      providerMessage: 'The server had an error while processing your request.',
    });
    expect(
      await failure(collect(streamChatCompletion(as('stream-stall'), MESSAGES, { timeoutMs: 300 }))),
    ).toMatchObject({
      kind: 'timeout',
    });
    expect(await failure(collect(streamChatCompletion(as('rate-limited'), MESSAGES)))).toMatchObject({
      kind: 'rate_limited',
      retryAfter: 7,
    });
  });
});

describe('provider settings', () => {
  const SECRET = 'a-server-secret-of-at-least-32-chars!!';

  it('opens the sealed key for the organization it was sealed for', () => {
    const sealedKey = sealProviderKey(SECRET, 'org-1', KEY);
    expect(sealedKey).not.toContain(KEY);
    expect(resolveProvider({ baseUrl: `${base}//`, model: ' gpt-test ', sealedKey }, SECRET, 'org-1')).toEqual({
      baseUrl: base,
      model: 'gpt-test',
      apiKey: KEY,
    });
  });

  it('says what is missing, as its own error, with how to configure a provider', () => {
    const sealedKey = sealProviderKey(SECRET, 'org-1', KEY);
    const cases: [Parameters<typeof resolveProvider>, string, RegExp][] = [
      [[null, SECRET, 'org-1'], 'missing', /No AI provider is configured/],
      [[{ baseUrl: base, model: '', sealedKey: '' }, SECRET, 'org-1'], 'incomplete', /no model or API key/],
      [[{ baseUrl: 'localhost:11434', model: 'm', sealedKey }, SECRET, 'org-1'], 'invalid_url', /https:\/\//],
      [[{ baseUrl: 'not a url', model: 'm', sealedKey }, SECRET, 'org-1'], 'invalid_url', /is not a URL/],
      [[{ baseUrl: base, model: 'm', sealedKey }, SECRET, 'org-2'], 'key_unreadable', /enter the key again/],
      [[{ baseUrl: base, model: 'm', sealedKey }, `${SECRET}-rotated`, 'org-1'], 'key_unreadable', /server secret/],
    ];
    for (const [args, reason, message] of cases) {
      const e = (() => {
        try {
          resolveProvider(...args);
        } catch (err) {
          return err;
        }
      })();
      expect(e, reason).toBeInstanceOf(AiNotConfiguredError);
      expect(e).toMatchObject({ reason });
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).toContain('Settings → AI provider');
    }
  });

  it('maps failures to API errors that say what to do', () => {
    const notConfigured = aiErrorToAppError(new AiNotConfiguredError('missing', 'No AI provider is configured.'));
    expect(notConfigured).toMatchObject({ code: 'conflict', status: 409 });
    expect(notConfigured.message).toContain('Settings → AI provider');
    expect(aiErrorToAppError(new AiProviderError('unauthorized', 'Rejected.'))).toMatchObject({ code: 'conflict' });
    expect(aiErrorToAppError(new AiProviderError('rate_limited', 'Slow down.', { retryAfter: 7 }))).toMatchObject({
      code: 'rate_limited',
      retryAfter: 7,
    });
    expect(aiErrorToAppError(new AiProviderError('timeout', 'Too slow.'))).toMatchObject({ code: 'unavailable' });
  });

  it('reads Retry-After as seconds, as a date, or from retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds(new Headers({ 'retry-after': '12' }), now)).toBe(12);
    expect(retryAfterSeconds(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30);
    expect(retryAfterSeconds(new Headers({ 'retry-after-ms': '250' }), now)).toBe(1);
    expect(retryAfterSeconds(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterSeconds(new Headers(), now)).toBeUndefined();
  });
});
