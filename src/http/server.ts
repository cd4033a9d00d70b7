import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from '../logging/logger.js';

export interface HttpServer {
  readonly http: Hono;
  /** Marks the bot ready: /healthz answers 200 from then on. */
  setReady(ready: boolean): void;
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

/** The one HTTP server: health check, web chat and channel webhooks mount on it. */
export function createHttpServer(logger: Logger, version: string): HttpServer {
  const http = new Hono();
  let ready = false;
  let server: Server | null = null;
  const startedAt = Date.now();

  http.get('/healthz', (c) =>
    ready
      ? c.json({ status: 'ok', version, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) })
      : c.json({ status: 'starting' }, 503),
  );
  http.onError((error, c) => {
    logger.error({ err: error, path: c.req.path }, 'http handler failed');
    return c.json({ error: 'internal' }, 500);
  });
  http.notFound((c) => c.json({ error: 'not_found' }, 404));

  return {
    http,
    setReady: (value) => {
      ready = value;
    },
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        const s = serve({ fetch: http.fetch, hostname: host, port }, (info: AddressInfo) =>
          resolve(info.port),
        ) as Server;
        s.once('error', reject);
        server = s;
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections?.();
      }),
  };
}
