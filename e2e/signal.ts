/**
 * A phone's signal, which a spec can cut: the browser context reaches the server through an HTTP proxy of its own,
 * and going offline both emulates it in the browser (`navigator.onLine`, the `offline` event, what the console
 * shows) and stops the proxy passing anything on.
 *
 * Emulation alone does not cut the network. Chromium's offline emulation belongs to each document's DevTools
 * session: while a navigation replaces a document, the outgoing one can get an `online` event and send a request
 * that is neither emulated offline nor reported to Playwright. A spec that says "nothing reached the server while
 * the phone was offline" must hold however the browser behaves, so the proxy refuses every connection while the
 * signal is cut, as a dead radio would.
 */
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { launchChromiumProfile } from './browser.js';

interface Signal {
  readonly url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

// Hop-by-hop headers of the browser-to-proxy leg; not forwarded to the server.
const HOP_BY_HOP = new Set(['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive']);

async function startSignal(target: string): Promise<Signal> {
  const origin = new URL(target);
  const sockets = new Set<Socket>();
  let cut = false;
  const proxy = http.createServer((req, res) => {
    if (cut) {
      req.socket.destroy();
      return;
    }
    // The browser sends the absolute URL to a proxy; the server is addressed by its path.
    const url = new URL(req.url ?? '/', origin);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    const upstream = http.request(
      { host: origin.hostname, port: origin.port, method: req.method, path: url.pathname + url.search, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  proxy.on('connection', (socket: Socket) => {
    if (cut) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A tunnel (Playwright's own request client asks for one even for http), to the server only.
  proxy.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    if (cut || req.url !== origin.host) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(Number(origin.port), origin.hostname, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxy.unref();
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    cut() {
      cut = true;
      // Open connections (kept alive, the live event stream) drop with the signal.
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

const signals = new WeakMap<BrowserContext, Signal>();

/** A browser context (a phone) whose network to `serverUrl` runs through a signal `setOffline` can cut. */
export async function newContextWithSignal(
  browser: Browser,
  serverUrl: string,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const signal = await startSignal(serverUrl);
  // Playwright proxies loopback addresses too for Chromium (it adds `<-loopback>` to the bypass list).
  return withSignal(await browser.newContext({ ...options, proxy: { server: signal.url } }), signal);
}

/** A browser with a profile on disk (launchChromiumProfile) whose network to `serverUrl` runs through a signal. */
export async function launchProfileWithSignal(dir: string, serverUrl: string): Promise<BrowserContext> {
  const signal = await startSignal(serverUrl);
  const context = await launchChromiumProfile(dir, { proxy: { server: signal.url } });
  return withSignal(context, signal);
}

function withSignal(context: BrowserContext, signal: Signal): BrowserContext {
  signals.set(context, signal);
  context.on('close', () => void signal.close());
  return context;
}

/** Takes the context off the network and tells its pages so, or puts it back (the browser first learns of it). */
export async function setOffline(context: BrowserContext, offline: boolean): Promise<void> {
  const signal = signals.get(context);
  if (!signal) throw new Error('setOffline: this context was not made by newContextWithSignal');
  if (offline) {
    signal.cut();
    await context.setOffline(true);
  } else {
    signal.restore();
    await context.setOffline(false);
  }
}
