/**
 * A loopback HTTP server that answers like S3 and records every request, for
 * what s3rver cannot do (versioning, lifecycle, Object Lock, replication,
 * storage classes): tests assert the exact requests we send and script the answers.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent (path-style: /bucket/key?query). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Responder = (req: RecordedRequest) => ScriptedReply;

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function s3ErrorReply(status: number, code: string, message = code): ScriptedReply {
  return { status, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>` };
}

export function xmlReply(body: string): ScriptedReply {
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>${body}` };
}

export async function startRecordingS3(t: TestContext, respond: Responder): Promise<{ requests: RecordedRequest[]; endpoint: string; client: S3Client }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const reply = respond(recorded);
      res.writeHead(reply.status ?? 200, reply.headers ?? {});
      res.end(req.method === 'HEAD' ? undefined : reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    region: 'us-east-1', endpoint, forcePathStyle: true, maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  t.after(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { requests, endpoint, client };
}

/** The query parameter names of a recorded request (`?versioning` -> ['versioning']). */
export function queryKeys(req: RecordedRequest): string[] {
  return [...new URL(req.url, 'http://x').searchParams.keys()].filter((k) => k !== 'x-id');
}
