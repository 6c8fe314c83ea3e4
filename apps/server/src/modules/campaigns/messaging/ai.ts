/**
 * AI-assisted drafting through an OpenAI-compatible chat-completions provider, configured per organization (base URL,
 * model, API key sealed at rest with the server secret). `POST {baseUrl}/chat/completions`, answered whole or as a
 * server-sent event stream (`data: {…}` chunks, then `data: [DONE]`).
 *
 * Failures are typed: `AiNotConfiguredError` when the organization has no usable provider (the API tells how to set
 * one), `AiProviderError` with a `kind` for everything the provider or the network does.
 */
import { AppError } from '../../../platform/errors.js';
import { openSecret, sealSecret, SealedSecretError } from '../../../platform/crypto.js';

export interface AiProvider {
  /** e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  model: string;
  apiKey: string;
}

/** A provider as an organization's settings keep it: the key sealed by `sealProviderKey`. */
export interface StoredAiProvider {
  baseUrl: string;
  model: string;
  sealedKey: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  temperature?: number;
  maxTokens?: number;
  /** Whole request without streaming; between chunks when streaming (default 60 s). */
  timeoutMs?: number;
  /** The caller's cancellation (a closed request): rethrown as is, not mapped. */
  signal?: AbortSignal;
}

export interface ChatCompletion {
  content: string;
  model: string;
  finishReason: string | null;
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
}

export type AiNotConfiguredReason = 'missing' | 'incomplete' | 'invalid_url' | 'key_unreadable';

export const AI_SETUP_HINT =
  'An organization admin can set one in Settings → AI provider: the base URL of an OpenAI-compatible API ' +
  '(for example https://api.openai.com/v1), a model name and an API key.';

export class AiNotConfiguredError extends Error {
  override readonly name = 'AiNotConfiguredError';
  constructor(
    readonly reason: AiNotConfiguredReason,
    detail: string,
  ) {
    super(`${detail} ${AI_SETUP_HINT}`);
  }
}

export type AiProviderErrorKind =
  | 'unauthorized'
  | 'model_not_found'
  | 'endpoint_not_found'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'bad_request'
  | 'upstream'
  | 'timeout'
  | 'unreachable'
  | 'bad_response';

export class AiProviderError extends Error {
  override readonly name = 'AiProviderError';
  readonly kind: AiProviderErrorKind;
  /** HTTP status from the provider, when it answered. */
  readonly status: number | undefined;
  /** Seconds to wait, for `rate_limited`. */
  readonly retryAfter: number | undefined;
  /** The provider's own error message and code (OpenAI's `error.message`, `error.code`). */
  readonly providerMessage: string | undefined;
  readonly providerCode: string | undefined;

  constructor(
    kind: AiProviderErrorKind,
    message: string,
    opts: {
      status?: number;
      retryAfter?: number;
      providerMessage?: string;
      providerCode?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.status = opts.status;
    this.retryAfter = opts.retryAfter;
    this.providerMessage = opts.providerMessage;
    this.providerCode = opts.providerCode;
  }
}

// ---- provider settings -----------------------------------------------------------------------------------------

const KEY_PURPOSE = 'ai-provider-key';

/** Seal an organization's provider key for storage; it opens only for the same organization. */
export const sealProviderKey = (serverSecret: string, orgId: string, apiKey: string): string =>
  sealSecret(serverSecret, KEY_PURPOSE, apiKey, orgId);

/** The usable provider from an organization's stored settings, or `AiNotConfiguredError` saying what is missing. */
export function resolveProvider(
  stored: StoredAiProvider | null | undefined,
  serverSecret: string,
  orgId: string,
): AiProvider {
  if (!stored) throw new AiNotConfiguredError('missing', 'No AI provider is configured for this organization.');
  const missing = (['baseUrl', 'model', 'sealedKey'] as const).filter((k) => !stored[k]?.trim());
  if (missing.length) {
    const names = missing.map((k) => ({ baseUrl: 'base URL', model: 'model', sealedKey: 'API key' })[k]);
    throw new AiNotConfiguredError('incomplete', `The AI provider has no ${names.join(' or ')}.`);
  }
  let url: URL;
  try {
    url = new URL(stored.baseUrl);
  } catch {
    throw new AiNotConfiguredError('invalid_url', `The AI provider's base URL “${stored.baseUrl}” is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AiNotConfiguredError('invalid_url', `The AI provider's base URL must start with https:// or http://.`);
  }
  try {
    const apiKey = openSecret(serverSecret, KEY_PURPOSE, stored.sealedKey, orgId);
    return { baseUrl: stored.baseUrl.replace(/\/+$/, ''), model: stored.model.trim(), apiKey };
  } catch (e) {
    if (!(e instanceof SealedSecretError)) throw e;
    throw new AiNotConfiguredError(
      'key_unreadable',
      'The stored AI provider key cannot be decrypted (the server secret has changed): enter the key again.',
    );
  }
}

// ---- requests --------------------------------------------------------------------------------------------------

const DEFAULT_TIMEOUT_MS = 60_000;

/** One chat completion, answered whole. */
export async function chatCompletion(
  provider: AiProvider,
  messages: readonly ChatMessage[],
  opts: ChatOptions = {},
): Promise<ChatCompletion> {
  const timer = deadline(opts);
  try {
    const res = await post(provider, messages, opts, false, timer);
    const body = parseJson(await res.text());
    return completionOf(body);
  } catch (e) {
    throw timer.explain(e);
  } finally {
    timer.dispose();
  }
}

/**
 * One chat completion as it is written: yields the text a piece at a time. A provider that ignores `stream` and
 * answers whole yields its answer once.
 */
export async function* streamChatCompletion(
  provider: AiProvider,
  messages: readonly ChatMessage[],
  opts: ChatOptions = {},
): AsyncGenerator<string, void, undefined> {
  const timer = deadline(opts);
  try {
    const res = await post(provider, messages, opts, true, timer);
    if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      yield completionOf(parseJson(await res.text())).content;
      return;
    }
    if (!res.body) throw new AiProviderError('bad_response', 'The AI provider sent an empty stream.');
    let finished = false;
    for await (const data of serverSentData(res.body, timer.arm)) {
      if (data === '[DONE]') return;
      const chunk = parseJson(data) as StreamChunk;
      if (chunk.error) throw providerError(500, chunk, undefined);
      const choice = chunk.choices?.[0];
      if (choice?.finish_reason) finished = true;
      const piece = choice?.delta?.content;
      if (typeof piece === 'string' && piece) yield piece;
    }
    if (!finished) throw new AiProviderError('bad_response', 'The AI provider’s stream ended before the answer did.');
  } catch (e) {
    throw timer.explain(e);
  } finally {
    timer.dispose();
  }
}

interface Deadline {
  signal: AbortSignal;
  /** Restart the clock (each streamed chunk). */
  arm: () => void;
  /** A timeout as `AiProviderError('timeout')`, a network failure as `unreachable`; anything else unchanged. */
  explain: (e: unknown) => unknown;
  dispose: () => void;
}

function deadline(opts: ChatOptions): Deadline {
  const ms = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const outer = opts.signal;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, ms);
  };
  const cancel = () => controller.abort(outer?.reason);
  if (outer?.aborted) cancel();
  outer?.addEventListener('abort', cancel, { once: true });
  arm();
  return {
    signal: controller.signal,
    arm,
    explain(e) {
      if (timedOut) return new AiProviderError('timeout', `The AI provider did not answer within ${ms / 1000} s.`);
      if (outer?.aborted) return outer.reason ?? e;
      if (e instanceof AiProviderError) return e;
      if (e instanceof TypeError) {
        const cause = (e.cause as { code?: string; message?: string } | undefined) ?? {};
        return new AiProviderError(
          'unreachable',
          `The AI provider cannot be reached (${cause.code ?? cause.message ?? e.message}).`,
          { cause: e },
        );
      }
      return e;
    },
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', cancel);
    },
  };
}

async function post(
  provider: AiProvider,
  messages: readonly ChatMessage[],
  opts: ChatOptions,
  stream: boolean,
  timer: Deadline,
): Promise<Response> {
  const body = {
    model: provider.model,
    messages,
    temperature: opts.temperature ?? 0.7,
    ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
    ...(stream ? { stream: true } : {}),
  };
  const res = await fetch(`${provider.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${provider.apiKey}`,
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    },
    body: JSON.stringify(body),
    // The key goes to the configured address only: a redirect is an error, not followed.
    redirect: 'manual',
    signal: timer.signal,
  });
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    throw new AiProviderError(
      'bad_response',
      `The AI provider redirected to ${res.headers.get('location') ?? 'another address'}: set the base URL to the final address.`,
      { status: res.status },
    );
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // A proxy's HTML or plain-text error page: its text is the message.
    }
    throw providerError(res.status, parsed, res.headers, provider.model);
  }
  return res;
}

interface OpenAiErrorBody {
  error?: { message?: string; type?: string; code?: string | number | null } | string;
  message?: string;
}

interface StreamChunk extends OpenAiErrorBody {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
}

/** Map an HTTP error (OpenAI's `{"error":{"message","type","code"}}` or anything else) to a typed error. */
function providerError(status: number, body: unknown, headers: Headers | undefined, model?: string): AiProviderError {
  const b = (body && typeof body === 'object' ? body : {}) as OpenAiErrorBody;
  const err = typeof b.error === 'object' && b.error ? b.error : undefined;
  const raw =
    err?.message ??
    (typeof b.error === 'string' ? b.error : undefined) ??
    b.message ??
    (typeof body === 'string' ? body : '');
  const providerMessage = raw.trim().slice(0, 500) || undefined;
  const providerCode = err?.code != null ? String(err.code) : err?.type;
  const said = providerMessage ? `: ${providerMessage.replace(/[.\s]+$/, '')}.` : '.';
  const opts = { status, ...(providerMessage ? { providerMessage } : {}), ...(providerCode ? { providerCode } : {}) };
  if (status === 401 || status === 403) {
    return new AiProviderError('unauthorized', `The AI provider rejected the API key (${status})${said}`, opts);
  }
  if (status === 404) {
    if (providerCode === 'model_not_found' || /model/i.test(providerMessage ?? '')) {
      return new AiProviderError('model_not_found', `The AI provider has no model “${model ?? '?'}”${said}`, opts);
    }
    return new AiProviderError(
      'endpoint_not_found',
      `The AI provider has no chat-completions endpoint at this base URL (404)${said}`,
      opts,
    );
  }
  if (status === 429) {
    if (providerCode === 'insufficient_quota') {
      return new AiProviderError('quota_exceeded', `The AI provider account is out of quota${said}`, opts);
    }
    const retryAfter = headers && retryAfterSeconds(headers);
    return new AiProviderError('rate_limited', `The AI provider is rate limiting requests${said}`, {
      ...opts,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    });
  }
  if (status >= 500) return new AiProviderError('upstream', `The AI provider failed (${status})${said}`, opts);
  return new AiProviderError('bad_request', `The AI provider refused the request (${status})${said}`, opts);
}

/** Seconds from `retry-after-ms` (OpenAI), `retry-after` as seconds or as an HTTP date. */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AiProviderError('bad_response', 'The AI provider answered with something other than JSON.');
  }
}

function completionOf(body: unknown): ChatCompletion {
  const b = body as {
    model?: unknown;
    choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown };
  } | null;
  const choice = Array.isArray(b?.choices) ? b.choices[0] : undefined;
  const content = choice?.message?.content;
  if (typeof content !== 'string') {
    throw new AiProviderError(
      'bad_response',
      'The AI provider’s answer has no message content (choices[0].message.content).',
    );
  }
  const u = b?.usage;
  const usage =
    u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number'
      ? {
          promptTokens: u.prompt_tokens,
          completionTokens: u.completion_tokens,
          totalTokens: typeof u.total_tokens === 'number' ? u.total_tokens : u.prompt_tokens + u.completion_tokens,
        }
      : undefined;
  return {
    content,
    model: typeof b?.model === 'string' ? b.model : '',
    finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
    ...(usage ? { usage } : {}),
  };
}

/** The `data` of each server-sent event (multi-line data joined with newlines); `onChunk` runs per network chunk. */
async function* serverSentData(body: ReadableStream<Uint8Array>, onChunk: () => void): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk();
      buffer += decoder.decode(value, { stream: true });
      // A trailing CR may be the first half of a CRLF that the next chunk completes: keep it for then.
      const held = buffer.endsWith('\r') ? '\r' : '';
      const lines = buffer.slice(0, buffer.length - held.length).split(/\r\n|\r|\n/);
      buffer = (lines.pop() ?? '') + held;
      for (const line of lines) {
        if (line === '') {
          if (data.length) yield data.join('\n');
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(dataOf(line));
        }
        // Comments (`: keep-alive`) and other fields (event, id, retry) carry nothing for chat completions.
      }
    }
    buffer = (buffer + decoder.decode()).replace(/\r$/, '');
    if (buffer.startsWith('data:')) data.push(dataOf(buffer));
    if (data.length) yield data.join('\n');
  } finally {
    // Stop reading (after `[DONE]` the provider may keep the connection open a moment).
    await reader.cancel().catch(() => undefined);
  }
}

const dataOf = (line: string) => line.slice(line.startsWith('data: ') ? 6 : 5);

// ---- errors for the API ------------------------------------------------------------------------------------------

/**
 * How the API answers an AI failure. Settings to fix (none, a rejected key, an unknown model or address) are a 409
 * that says what to change; a provider's rate limit is a 429 with its Retry-After; the rest is a 503.
 */
export function aiErrorToAppError(e: AiNotConfiguredError | AiProviderError): AppError {
  if (e instanceof AiNotConfiguredError) return new AppError('conflict', e.message);
  switch (e.kind) {
    case 'unauthorized':
    case 'model_not_found':
    case 'endpoint_not_found':
      return new AppError('conflict', `${e.message} Check the organization's AI provider settings.`);
    case 'rate_limited':
      return new AppError('rate_limited', e.message, e.retryAfter !== undefined ? { retryAfter: e.retryAfter } : {});
    default:
      return new AppError('unavailable', e.message);
  }
}
