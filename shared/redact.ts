// Removes secrets from any text before it is logged, stored or shown (DESIGN §7). Pure: no Node, no DOM.

export const REDACTED = '[REDACTED]';

const PATTERNS: Array<[RegExp, string]> = [
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
  let out = text;
  const sorted = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of sorted) {
    const forms = new Set([secret, encodeURIComponent(secret)]);
    for (const form of forms) out = out.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
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
