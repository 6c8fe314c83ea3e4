/**
 * Compressed API answers: a JSON answer of at least `threshold` bytes is sent Brotli- or gzip-encoded when the
 * request accepts it (Brotli preferred). A full sync page of 5,000 voters is about 1.8 MB of JSON and a tenth of that
 * compressed: on a phone's connection that is most of the wait. Compression runs on libuv's thread pool (zlib's async
 * API), never on the event loop; Brotli at quality 4 and gzip at level 5 trade a little size for a lot of CPU, as
 * servers compressing dynamic content do. Event streams, downloads (streams) and the console's files (sent
 * precompressed by the static handler) are left alone.
 */
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const BROTLI = {
  params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: 4 },
};
const GZIP = { level: 5 };

/** The encoding to use for an `Accept-Encoding` header: br, gzip or none (a q=0 refuses one). */
export function chooseEncoding(accept: string | undefined): 'br' | 'gzip' | null {
  if (!accept) return null;
  const q = new Map<string, number>();
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(v) ? v : 0);
  }
  const of = (name: string) => q.get(name) ?? (q.has('*') ? q.get('*')! : 0);
  const br = of('br');
  const gz = of('gzip');
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return null;
}

function addVary(reply: FastifyReply) {
  const vary = reply.getHeader('vary');
  const current = typeof vary === 'string' ? vary : '';
  if (!/(^|,)\s*accept-encoding\s*(,|$)/i.test(current))
    reply.header('vary', current ? `${current}, Accept-Encoding` : 'Accept-Encoding');
}

export function registerCompression(app: FastifyInstance, { threshold = 1024 }: { threshold?: number } = {}): void {
  app.addHook(
    'onSend',
    (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, p?: unknown) => void) => {
      if (
        !req.url.startsWith('/api/') ||
        (typeof payload !== 'string' && !Buffer.isBuffer(payload)) ||
        reply.getHeader('content-encoding') !== undefined ||
        !/json/i.test(String(reply.getHeader('content-type') ?? ''))
      )
        return done(null, payload);
      const size = Buffer.byteLength(payload);
      if (size < threshold) return done(null, payload);
      addVary(reply);
      const encoding = chooseEncoding(req.headers['accept-encoding']);
      if (!encoding) return done(null, payload);
      const finish = (err: Error | null, out: Buffer) => {
        // Compression failing is the server's problem, not the client's: send the answer as it is.
        if (err) return done(null, payload);
        reply.header('content-encoding', encoding);
        reply.removeHeader('content-length');
        done(null, out);
      };
      if (encoding === 'br')
        brotliCompress(
          payload,
          { ...BROTLI, params: { ...BROTLI.params, [constants.BROTLI_PARAM_SIZE_HINT]: size } },
          finish,
        );
      else gzip(payload, GZIP, finish);
    },
  );
}
