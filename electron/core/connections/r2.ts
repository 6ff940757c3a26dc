// The R2 / S3 client factory, configured the way Cloudflare R2 needs it:
// - region 'auto' (R2 ignores regions but SigV4 needs one);
// - checksums only when an operation requires them: since SDK 3.729 the client adds CRC32 checksums
//   by default, which R2 and many S3-compatible servers reject (aws-sdk-js-v3#6810);
// - path-style addressing when asked for, or when the endpoint is an IP address / localhost, where
//   `bucket.host` cannot resolve;
// - retries with backoff for 429 / 503 (SlowDown): the SDK's adaptive retry mode also rate-limits
//   the client itself after throttling answers.
import { S3Client } from '@aws-sdk/client-s3';
import { isIP } from 'node:net';
import { userError } from '../../../shared/errors';
import { r2Endpoint } from '../../../shared/profile';

export interface R2ClientOptions {
  endpoint: string;
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle?: boolean;
  /** Attempts per request, first one included (default 5). */
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  /** Time without data on an open connection before giving up (default 60 s). */
  idleTimeoutMs?: number;
  /** Limit on a whole request (off by default: a big object may take long; checks set one). */
  requestTimeoutMs?: number;
}

export function needsPathStyle(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    return isIP(host) !== 0 || host === 'localhost' || !host.includes('.');
  } catch {
    return false;
  }
}

/**
 * The SDK prints "versions published after … will require node >=22" on every client created under
 * Node.js 20 (aws-sdk-js-v3#7983; the check in @aws-sdk/core `emitWarningIfUnsupportedVersion` skips
 * it when AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is "true"). Users of the app never asked
 * for it and cannot act on it; whoever sets the variable to anything else still gets it.
 */
function quietSdkRuntimeWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export function createR2Client(options: R2ClientOptions): S3Client {
  quietSdkRuntimeWarning();
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region || 'auto',
    forcePathStyle: options.forcePathStyle || needsPathStyle(options.endpoint),
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'adaptive',
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      socketTimeout: options.idleTimeoutMs ?? 60_000,
      // Without the opt-in, newer SDKs only log a warning when the request timeout passes.
      ...(options.requestTimeoutMs ? { requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true } : {}),
    },
  });
}

/** The endpoint of a profile's R2 settings, or a usage error when neither account id nor endpoint is set. */
export function requireR2Endpoint(r2: { accountId?: string; endpoint?: string }): string {
  const endpoint = r2Endpoint(r2);
  if (!endpoint) {
    throw userError('INVALID_INPUT', 'R2 address missing', 'Neither a Cloudflare Account ID nor an endpoint address is set.', 'Enter the Account ID shown in the Cloudflare dashboard (R2 → Overview), or the endpoint of your S3-compatible storage.');
  }
  return endpoint;
}

/** "host:port" of an endpoint, for messages (never carries credentials: endpoints have none). */
export function endpointLabel(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
