// S3's XML error shape and the few XML helpers the gateway needs for its own responses.

const STATUS: Record<string, number> = {
  AccessDenied: 403, InvalidAccessKeyId: 403, SignatureDoesNotMatch: 403, RequestTimeTooSkewed: 403,
  AuthorizationHeaderMalformed: 400, AuthorizationQueryParametersError: 400, InvalidArgument: 400,
  InvalidRequest: 400, InvalidBucketName: 400, InvalidURI: 400, KeyTooLongError: 400, MalformedXML: 400,
  BadDigest: 400, XAmzContentSHA256Mismatch: 400, EntityTooSmall: 400, InvalidPart: 400,
  InvalidPartOrder: 400, IncompleteBody: 400, NoSuchBucket: 404, NoSuchKey: 404, NoSuchUpload: 404,
  PreconditionFailed: 412, TooManyRequests: 429, InternalError: 500, NotImplemented: 501,
  SlowDown: 503, ServiceUnavailable: 503,
};

export class S3Error extends Error {
  readonly status: number;
  constructor(readonly code: string, message: string, readonly detail: Record<string, string> = {}, status?: number) {
    super(message);
    this.status = status ?? STATUS[code] ?? 500;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? '';
  });
}

/** `<Tag>value</Tag>` for every defined entry; values are escaped, nested strings are trusted XML. */
export type XmlNode = string | number | boolean | undefined | XmlNode[] | { [tag: string]: XmlNode };

export function toXml(node: XmlNode): string {
  if (node === undefined) return '';
  if (Array.isArray(node)) return node.map(toXml).join('');
  if (typeof node !== 'object') return xmlEscape(String(node));
  return Object.entries(node).map(([tag, value]) => {
    if (value === undefined) return '';
    if (Array.isArray(value)) return value.map((v) => `<${tag}>${toXml(v)}</${tag}>`).join('');
    return `<${tag}>${toXml(value)}</${tag}>`;
  }).join('');
}

export function xmlDocument(root: string, body: { [tag: string]: XmlNode }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${toXml(body)}</${root}>`;
}

export function errorXml(err: S3Error, requestId: string, resource: string): string {
  const body = toXml({ Code: err.code, Message: err.message, ...err.detail, Resource: resource, RequestId: requestId });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${body}</Error>`;
}

/** Text of every `<tag>…</tag>` in a small XML document (enough for S3's flat request bodies). */
export function xmlValues(xml: string, tag: string): string[] {
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  return [...xml.matchAll(re)].map((m) => xmlUnescape(m[1]));
}
