// Test helpers for talking to the S3 test server the way the app talks to R2.
import { Readable } from 'node:stream';
import { S3Client, S3ServiceException, type S3ClientConfig } from '@aws-sdk/client-s3';

// Test runs happen on Node 20, where every SDK client would print a support-policy warning.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3Endpoint { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }

/** An AWS SDK v3 client configured as for Cloudflare R2 (path style, checksums only when required). */
export function r2Client(server: S3Endpoint, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

export interface CaughtS3Error { name: string; status: number | undefined; message: string; requestId: string | undefined }

/** Awaits a call that must fail with an S3 error response and tells which one. */
export async function s3ErrorOf(call: Promise<unknown>): Promise<CaughtS3Error> {
  try {
    await call;
  } catch (err) {
    if (err instanceof S3ServiceException) {
      return { name: err.name, status: err.$metadata.httpStatusCode, message: err.message, requestId: err.$metadata.requestId };
    }
    throw err;
  }
  throw new Error('expected the S3 call to fail, but it succeeded');
}

/** Reads a GetObject body (a Node stream under the SDK's mixin) fully. */
export async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (!(body instanceof Readable)) throw new Error('expected a Node.js stream as the object body');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
