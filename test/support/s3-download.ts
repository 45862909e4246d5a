/** Downloads every object under a prefix into a folder with a plain S3 client: how a user would fetch a mirror for restic. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

export function plainS3Client(endpoint: string): S3Client {
  return new S3Client({
    region: 'us-east-1', endpoint, forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<{ key: string; size: number }[]> {
  const out: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key ?? '', size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export async function downloadPrefix(client: S3Client, bucket: string, prefix: string, folder: string): Promise<number> {
  const keys = await listKeys(client, bucket, `${prefix}/`);
  for (const { key } of keys) {
    const obj = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const path = join(folder, key.slice(prefix.length + 1));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await obj.Body!.transformToByteArray());
  }
  return keys.length;
}
