// SigV4 verification for the gateway (s3rver accepts any V4 signature). The signature is recomputed with
// the same signer the AWS SDK uses, over the request as it arrived, and compared with the one sent.
// The payload hash is taken as declared in x-amz-content-sha256 (PutObject/UploadPart check it against
// the body afterwards); for STREAMING-* payloads only the seed signature is verified, not each chunk's.
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { S3Error } from './xml';
import { queryValue, type Query } from './routes';

type SignableRequest = Parameters<SignatureV4['presign']>[0];

export interface AuthInput {
  method: string;
  rawPath: string;
  query: Query;
  headers: IncomingHttpHeaders;
}

export interface AuthContext {
  secretFor(accessKeyId: string): string | undefined;
  /** Server clock in ms (the clock-skew fault moves it). */
  now(): number;
}

const MAX_SKEW_MS = 15 * 60 * 1000;
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

function parseAmzDate(text: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

interface Scope { accessKeyId: string; region: string; service: string }

function parseCredential(credential: string | undefined, malformed: S3Error): Scope {
  const parts = (credential ?? '').split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') throw malformed;
  return { accessKeyId: parts[0], region: parts[2], service: parts[3] };
}

function signerFor(scope: Scope, ctx: AuthContext): SignatureV4 {
  const secretAccessKey = ctx.secretFor(scope.accessKeyId);
  if (secretAccessKey === undefined) {
    throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: scope.accessKeyId });
  }
  return new SignatureV4({
    credentials: { accessKeyId: scope.accessKeyId, secretAccessKey },
    region: scope.region, service: scope.service, sha256: Sha256, uriEscapePath: false, applyChecksum: false,
  });
}

function mismatch(scope: Scope): S3Error {
  return new S3Error('SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { AWSAccessKeyId: scope.accessKeyId });
}

function signedHeaderValues(input: AuthInput, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = headerValue(input.headers, name);
    if (v !== undefined && name !== 'x-amz-date') out[name] = v;
  }
  return out;
}

async function verifyHeaderAuth(input: AuthInput, auth: string, ctx: AuthContext): Promise<string> {
  if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new S3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  }
  const fields = new Map(auth.slice(17).split(',').map((part) => {
    const [k, ...v] = part.trim().split('=');
    return [k, v.join('=')] as const;
  }));
  const malformed = new S3Error('AuthorizationHeaderMalformed', 'The authorization header is malformed.');
  const scope = parseCredential(fields.get('Credential'), malformed);
  const signedNames = fields.get('SignedHeaders')?.split(';');
  const provided = fields.get('Signature');
  if (!signedNames || !provided) throw malformed;
  const signer = signerFor(scope, ctx);
  const signingDate = parseAmzDate(headerValue(input.headers, 'x-amz-date'));
  if (!signingDate) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const serverNow = ctx.now();
  if (Math.abs(serverNow - signingDate.getTime()) > MAX_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
      RequestTime: headerValue(input.headers, 'x-amz-date') ?? '', ServerTime: new Date(serverNow).toISOString(), MaxAllowedSkewMilliseconds: '900000',
    });
  }
  const payloadHash = headerValue(input.headers, 'x-amz-content-sha256');
  if (!payloadHash) throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  const headers = { ...signedHeaderValues(input, signedNames), 'x-amz-content-sha256': payloadHash };
  const request: SignableRequest = { method: input.method, protocol: 'http:', hostname: '', path: input.rawPath, query: input.query, headers };
  const signed = await signer.sign(request, {
    signingDate, signingRegion: scope.region, signingService: scope.service, signableHeaders: new Set(signedNames),
    // The payload hash is always needed, but only part of the signature when the client signed it.
    unsignableHeaders: signedNames.includes('x-amz-content-sha256') ? undefined : new Set(['x-amz-content-sha256']),
  });
  const computed = /Signature=([0-9a-f]+)/.exec(headerValue(signed.headers, 'authorization') ?? '')?.[1];
  if (computed !== provided) throw mismatch(scope);
  return scope.accessKeyId;
}

async function verifyPresigned(input: AuthInput, ctx: AuthContext): Promise<string> {
  const get = (name: string): string | undefined => queryValue(input.query, name);
  const bad = new S3Error('AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || PRESIGN_PARAMS.some((p) => !get(p))) throw bad;
  const scope = parseCredential(get('X-Amz-Credential'), bad);
  const signer = signerFor(scope, ctx);
  const signingDate = parseAmzDate(get('X-Amz-Date'));
  const expiresIn = Number(get('X-Amz-Expires'));
  if (!signingDate || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604800) throw bad;
  const serverNow = ctx.now();
  if (serverNow > signingDate.getTime() + expiresIn * 1000) throw new S3Error('AccessDenied', 'Request has expired');
  if (signingDate.getTime() - serverNow > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet');
  const signedNames = (get('X-Amz-SignedHeaders') ?? '').split(';');
  const query: Query = Object.fromEntries(Object.entries(input.query).filter(([k]) => !PRESIGN_PARAMS.includes(k)));
  const headers = signedHeaderValues(input, signedNames);
  // Presigned S3 URLs sign UNSIGNED-PAYLOAD unless the client declared a hash.
  const declared = Object.keys(query).find((k) => k.toLowerCase() === 'x-amz-content-sha256');
  const hashSigned = signedNames.includes('x-amz-content-sha256');
  if (!hashSigned) headers['x-amz-content-sha256'] = declared ? queryValue(query, declared) ?? '' : 'UNSIGNED-PAYLOAD';
  const request: SignableRequest = { method: input.method, protocol: 'http:', hostname: '', path: input.rawPath, query, headers };
  const presigned = await signer.presign(request, {
    signingDate, expiresIn, signingRegion: scope.region, signingService: scope.service,
    signableHeaders: new Set(signedNames), unhoistableHeaders: new Set(Object.keys(headers)),
    unsignableHeaders: hashSigned ? undefined : new Set(['x-amz-content-sha256']),
  });
  if (presigned.query?.['X-Amz-Signature'] !== get('X-Amz-Signature')) throw mismatch(scope);
  return scope.accessKeyId;
}

/** Resolves to the verified access key id; throws the S3Error a real S3/R2 endpoint would answer with. */
export async function verifyRequest(input: AuthInput, ctx: AuthContext): Promise<string> {
  const auth = headerValue(input.headers, 'authorization');
  const presigned = 'X-Amz-Algorithm' in input.query || 'X-Amz-Signature' in input.query;
  if (auth && presigned) throw new S3Error('InvalidArgument', 'Only one auth mechanism allowed.');
  if (auth) return verifyHeaderAuth(input, auth, ctx);
  if (presigned) return verifyPresigned(input, ctx);
  throw new S3Error('AccessDenied', 'Access Denied');
}
