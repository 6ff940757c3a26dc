// Turns an incoming HTTP request into the S3 operation it asks for (path-style addressing only, as R2
// clients use with forcePathStyle).
import { S3Error } from './xml';

export type S3Operation =
  | 'ListBuckets' | 'CreateBucket' | 'DeleteBucket' | 'HeadBucket' | 'ListObjects' | 'ListObjectsV2'
  | 'ListMultipartUploads' | 'DeleteObjects' | 'BucketSubresource' | 'GetObject' | 'HeadObject'
  | 'PutObject' | 'CopyObject' | 'DeleteObject' | 'CreateMultipartUpload' | 'UploadPart'
  | 'UploadPartCopy' | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'ListParts'
  | 'ObjectSubresource' | 'Unknown';

export type Query = Record<string, string | string[]>;

export interface S3Request {
  op: S3Operation;
  method: string;
  /** Path exactly as sent (still percent-encoded): what SigV4 signs for S3. */
  rawPath: string;
  query: Query;
  bucket?: string;
  /** Decoded object key, as the client means it. */
  key?: string;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  }
}

/** Query parameters decoded the way SigV4 encodes them: '+' is a literal plus, never a space. */
export function parseQuery(raw: string): Query {
  const query: Query = {};
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const prev = query[name];
    query[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return query;
}

export function queryValue(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

export function encodeQuery(query: Query): string {
  return Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${encodeURIComponent(k)}=${encodeURIComponent(one)}`))
    .join('&');
}

const BUCKET_SUBRESOURCES = ['acl', 'cors', 'website', 'policy', 'location', 'versioning', 'lifecycle', 'tagging',
  'versions', 'encryption', 'logging', 'notification', 'replication', 'object-lock', 'accelerate', 'requestPayment'];

function bucketOp(method: string, query: Query): S3Operation {
  const has = (name: string): boolean => name in query;
  if (method === 'HEAD') return 'HeadBucket';
  if (method === 'POST') return has('delete') ? 'DeleteObjects' : 'Unknown';
  if (BUCKET_SUBRESOURCES.some(has)) return 'BucketSubresource';
  if (method === 'PUT') return 'CreateBucket';
  if (method === 'DELETE') return 'DeleteBucket';
  if (method !== 'GET') return 'Unknown';
  if (has('uploads')) return 'ListMultipartUploads';
  return queryValue(query, 'list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
}

function objectOp(method: string, query: Query, copySource: boolean): S3Operation {
  const has = (name: string): boolean => name in query;
  if (['acl', 'tagging', 'retention', 'legal-hold', 'torrent', 'restore', 'select'].some(has)) return 'ObjectSubresource';
  switch (method) {
    case 'GET': return has('uploadId') ? 'ListParts' : 'GetObject';
    case 'HEAD': return 'HeadObject';
    case 'PUT':
      if (has('uploadId')) return copySource ? 'UploadPartCopy' : 'UploadPart';
      return copySource ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      return has('uploadId') ? 'CompleteMultipartUpload' : 'Unknown';
    case 'DELETE': return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default: return 'Unknown';
  }
}

export function parseRequest(method: string, url: string, copySource: boolean): S3Request {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
  const rest = rawPath.replace(/^\/+/, '');
  if (rest === '') return { op: method === 'GET' ? 'ListBuckets' : 'Unknown', method, rawPath, query };
  const slash = rest.indexOf('/');
  const bucket = decode(slash < 0 ? rest : rest.slice(0, slash));
  const rawKey = slash < 0 ? '' : rest.slice(slash + 1);
  if (rawKey === '') return { op: bucketOp(method, query), method, rawPath, query, bucket };
  return { op: objectOp(method, query, copySource), method, rawPath, query, bucket, key: decode(rawKey) };
}
