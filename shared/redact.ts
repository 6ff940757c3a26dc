// Removes secrets from any text before it is logged, stored or shown (DESIGN §7). Pure: no Node, no DOM.

export const REDACTED = '[REDACTED]';

const PATTERNS: Array<[RegExp, string | ((match: string) => string)]> = [
  // user:password@ in connection strings (mongodb://, mongodb+srv://, https://, smtp://, …)
  [/([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^@\s/]*)@/gi, `$1$2:${REDACTED}@`],
  // Authorization / x-amz-security-token headers and bearer tokens
  [/(authorization\s*[:=]\s*)("?)[^\r\n"]+/gi, `$1$2${REDACTED}`],
  [/(x-amz-security-token\s*[:=]\s*)[^\s,;"]+/gi, `$1${REDACTED}`],
  [/\b(bearer\s+)[a-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
  // key=value / "key": "value" shapes whose name says secret
  [/((?:secret[_-]?access[_-]?key|secretAccessKey|aws_secret_access_key|password|passphrase|pass|pwd|token|apikey|api_key)"?\s*[:=]\s*"?)([^"\s,&;}]+)/gi, `$1${REDACTED}`],
  // X-Amz-Signature / Credential in presigned URLs
  [/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s]+/gi, `$1${REDACTED}`],
  // Access key ids named as such (accessKeyId=…, "aws_access_key_id": "…") and AWS-issued ids by shape
  [/((?:access[_-]?key[_-]?id|accessKeyId)"?\s*[:=]\s*"?)([^"\s,&;}]+)/gi, `$1${REDACTED}`],
  [/\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16}\b/g, REDACTED],
  // The shape of an AWS secret access key: 40 characters of base64 with upper case, lower case and a
  // digit. Hex hashes (ids of blobs and restore points) are lower case only and are left alone.
  // Runs that look like folder paths (leading slash, several slashes) are kept.
  [
    /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    (m) => (m.startsWith('/') || m.split('/').length > 4 ? m : REDACTED),
  ],
  // Private keys (TLS client certificates in connection options)
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Redact `text`: every known secret by exact match (and its URL-encoded form), then the patterns
 * above for secrets nobody told us about. Secrets shorter than 4 characters are ignored: replacing
 * them would shred ordinary words without protecting anything.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  return redactPatterns(redactSecrets(text, secrets));
}

/** Only the exact matches of known secrets (and their URL-encoded and JSON-escaped forms). */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  const sorted = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of sorted) {
    const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
    for (const form of forms) out = out.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
  }
  return out;
}

/** Only the patterns: secrets nobody told us about, recognised by where they stand or their shape. */
export function redactPatterns(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = typeof replacement === 'string' ? out.replace(re, replacement) : out.replace(re, replacement);
  return out;
}

/** Deep-redact any JSON-like value (strings inside objects and arrays). */
export function redactValue<T>(value: T, secrets: Iterable<string> = []): T {
  const list = [...secrets];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(v)) out[k] = walk(val);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
