/**
 * Readiness of the NATS server: connect, expect the protocol's `INFO {...}` greeting, answer PING with PONG.
 * (The event bus itself arrives with the relay; this only tells /ready whether the broker answers.)
 */
import net from 'node:net';

export function natsProbe(url: string, timeoutMs = 2000): () => Promise<void> {
  const u = new URL(url.includes('://') ? url : `nats://${url}`);
  const host = u.hostname || '127.0.0.1';
  const port = Number(u.port || 4222);
  return () =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host, port });
      let buf = '';
      let greeted = false;
      const done = (err?: Error) => {
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => done(new Error(`NATS at ${host}:${port} did not answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.on('error', (e) => done(e));
      socket.on('data', (chunk) => {
        buf += chunk.toString('utf8');
        if (!greeted && buf.includes('\r\n')) {
          if (!buf.startsWith('INFO ')) return done(new Error('not a NATS server'));
          greeted = true;
          buf = buf.slice(buf.indexOf('\r\n') + 2);
          socket.write('CONNECT {"verbose":false,"pedantic":false,"name":"akashic-ready"}\r\nPING\r\n');
        }
        if (greeted && buf.includes('PONG\r\n')) done();
        if (greeted && buf.startsWith('-ERR')) done(new Error(buf.trim()));
      });
    });
}
