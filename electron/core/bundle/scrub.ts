// Everything that goes into a support bundle passes through here: known secrets by exact match
// (engine.secrets, after every profile's secrets were read), secret-shaped text by pattern, fields
// whose name says "secret", and — unless the person chose to include them — file names.
import { REDACTED, redactPatterns, redactSecrets } from '../../../shared/redact';
import { NAME_FIELDS, NAME_REMOVED, PATH_FIELDS, type NameMatcher } from './names';

export interface Counts {
  secrets: number;
  patterns: number;
  names: number;
}

export const zero = (): Counts => ({ secrets: 0, patterns: 0, names: 0 });

/** Fields whose value is a secret whatever it looks like. */
const SECRET_FIELD = /pass(word|phrase)?$|secret(?!Store)|token|authorization|credential|apikey|api_key|mongoUri$/i;
/** Fields with an access key id: kept recognisable (first 4 characters), not whole. */
const KEY_ID_FIELD = /^accessKeyId$/i;

function markers(text: string, marker: string): number {
  let n = 0;
  for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + marker.length)) n++;
  return n;
}

export class Scrubber {
  constructor(
    private readonly secrets: string[],
    /** null: file names are kept (the person asked for them). */
    private readonly names: NameMatcher | null,
  ) {}

  get secretsSearched(): number {
    return this.secrets.length;
  }

  text(input: string, counts: Counts): string {
    const a = redactSecrets(input, this.secrets);
    counts.secrets += markers(a, REDACTED) - markers(input, REDACTED);
    const b = redactPatterns(a);
    counts.patterns += markers(b, REDACTED) - markers(a, REDACTED);
    if (!this.names) return b;
    const c = this.names.replace(b);
    counts.names += c.count;
    return c.text;
  }

  value(input: unknown, counts: Counts): unknown {
    const walk = (v: unknown, field: string | null): unknown => {
      if (typeof v === 'string') {
        if (field && SECRET_FIELD.test(field) && v.length > 0) {
          counts.patterns++;
          return REDACTED;
        }
        if (field && KEY_ID_FIELD.test(field)) {
          counts.patterns++;
          return `${v.slice(0, 4)}…`;
        }
        if (this.names && field && NAME_FIELDS.has(field)) {
          counts.names++;
          return NAME_REMOVED;
        }
        if (this.names && field && PATH_FIELDS.has(field)) return this.text(v.replace(/^((?:r2|files)\/[^/]+\/).+$/, (_m, head: string) => (counts.names++, head + NAME_REMOVED)), counts);
        return this.text(v, counts);
      }
      if (Array.isArray(v)) return v.map((x) => walk(x, field));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
      return v;
    };
    return walk(input, null);
  }

  json(input: unknown, counts: Counts): string {
    return JSON.stringify(this.value(input, counts), null, 2) + '\n';
  }

  /** Known secrets (in any of their written forms) still in `text`: must be none; a last line of defence. */
  leftovers(text: string): number {
    let n = 0;
    for (const s of this.secrets) {
      for (const form of new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)])) if (text.includes(form)) n++;
    }
    return n;
  }
}
