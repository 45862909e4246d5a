/**
 * A reverse proxy for tests that sits between an S3 client and s3rver and
 * injects the failures S3 clients meet in the field: 503 SlowDown, connections
 * reset before or in the middle of a response, slow responses, and stalls
 * longer than the client's timeout. Headers pass through unchanged, so SigV4
 * signatures (which cover the Host header the client saw) still verify.
 */
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export type Fault = 'slowdown' | 'reset-before' | 'reset-midway' | 'slow' | 'stall' | 'pass';

export interface FaultProxy {
  endpoint: string;
  /** How many requests met each fault. */
  counts: Record<Fault, number>;
}

export interface FaultProxyOptions {
  /** Decides the fault of the n-th request (1-based). */
  plan: (n: number, req: IncomingMessage) => Fault;
  /** Delay of a 'slow' response (default 300 ms). */
  slowMs?: number;
  /** How long a 'stall' holds the response before giving up (default 5 s). */
  stallMs?: number;
}

const SLOWDOWN_XML = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>fault-proxy</RequestId></Error>';

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.on('data', () => undefined);
    req.on('end', resolve);
    req.on('error', () => resolve());
  });
}

function forward(req: IncomingMessage, res: ServerResponse, upstreamPort: number, onResponse: (up: IncomingMessage) => void): void {
  const up = httpRequest({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, onResponse);
  up.on('error', () => res.destroy());
  req.pipe(up);
}

export async function startFaultProxy(t: TestContext, upstreamPort: number, options: FaultProxyOptions): Promise<FaultProxy> {
  const counts: Record<Fault, number> = { 'slowdown': 0, 'reset-before': 0, 'reset-midway': 0, 'slow': 0, 'stall': 0, 'pass': 0 };
  let n = 0;
  const server = createServer((req, res) => {
    const fault = options.plan(++n, req);
    counts[fault]++;
    switch (fault) {
      case 'slowdown':
        void drain(req).then(() => {
          res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(SLOWDOWN_XML) });
          res.end(SLOWDOWN_XML);
        });
        return;
      case 'reset-before':
        void drain(req).then(() => req.socket.destroy());
        return;
      case 'stall': {
        const timer = setTimeout(() => req.socket.destroy(), options.stallMs ?? 5000);
        req.socket.on('close', () => clearTimeout(timer));
        void drain(req);
        return;
      }
      case 'slow':
        forward(req, res, upstreamPort, (up) => {
          setTimeout(() => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          }, options.slowMs ?? 300);
        });
        return;
      case 'reset-midway':
        forward(req, res, upstreamPort, (up) => {
          const length = Number(up.headers['content-length'] ?? 0);
          if (length < 2) {
            // Nothing to cut in half: drop the connection before the headers instead.
            up.resume();
            req.socket.destroy();
            return;
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          // Whole bytes: with an odd length and one upstream chunk, "half" as a fraction was never reached and the client waited forever.
          const half = Math.floor(length / 2);
          let sent = 0;
          up.on('data', (chunk: Buffer) => {
            if (sent >= half) return;
            const part = chunk.subarray(0, half - sent);
            sent += part.length;
            // Cut once the half has left, so the client really sees a body that stops short.
            if (sent >= half) res.write(part, () => req.socket.destroy());
            else res.write(part);
          });
        });
        return;
      case 'pass':
        forward(req, res, upstreamPort, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, counts };
}
