import client from 'prom-client';
import type { Database } from '../../db/index.js';

export interface Metrics {
  registry: client.Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function createMetrics(db: Database): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const pool = new client.Gauge({
    name: 'db_pool_connections',
    help: 'Application database pool connections by pool (write, read) and state',
    labelNames: ['pool', 'state'],
    registers: [registry],
    collect() {
      for (const [name, s] of Object.entries(db.stats())) {
        this.set({ pool: name, state: 'total' }, s.total);
        this.set({ pool: name, state: 'idle' }, s.idle);
        this.set({ pool: name, state: 'waiting' }, s.waiting);
        this.set({ pool: name, state: 'max' }, s.max);
      }
    },
  });
  void pool;
  // Label-bound children, made once per (method, route[, status]): the hot path skips label hashing.
  const counters = new Map<string, ReturnType<typeof requests.labels>>();
  const histograms = new Map<string, ReturnType<typeof latency.labels>>();
  return {
    registry,
    observe(method, route, status, seconds) {
      const key = `${method} ${route}`;
      const ckey = `${key} ${status}`;
      let c = counters.get(ckey);
      if (!c) counters.set(ckey, (c = requests.labels({ method, route, status: String(status) })));
      let h = histograms.get(key);
      if (!h) histograms.set(key, (h = latency.labels({ method, route })));
      c.inc();
      h.observe(seconds);
    },
  };
}
