// File names and object keys are personal data for some users: a bundle leaves them out unless the
// person ticks "include file names". Structured data loses them by field name; free text (logs) loses
// every name the app knows of — from the history, update records and the latest restore point's file
// list — by exact match, plus the tails of logical paths (`r2/<bucket>/<key>`, `files/<folder>/<path>`).
export const NAME_REMOVED = '[file name removed]';

/** Fields whose string values are file names or object keys. */
export const NAME_FIELDS = new Set(['key', 'keys', 'missingKeys', 'prefix', 'prefixes', 'storageKey', 'fileName', 'filename']);
/** Fields holding logical paths: only their `r2/…` and `files/…` tails are names. */
export const PATH_FIELDS = new Set(['path', 'paths']);

/** Names shorter than this are not searched for: removing them would shred ordinary words. */
const MIN_NAME = 4;
// The tail runs to the next space or quote (names may hold any other character); a tail removed
// already is not removed twice.
const LOGICAL = /\b((?:r2|files)\/[^/\s"'`]+\/)(?!\[file name removed\])[^\s"'`]+/g;

interface Node {
  next: Map<number, Node>;
  end: boolean;
}

/** Exact matching of many names at once: a character trie, longest match wins. */
export class NameMatcher {
  private readonly root: Node = { next: new Map(), end: false };
  size = 0;

  add(name: string): void {
    if (name.length < MIN_NAME) return;
    let node = this.root;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) node.next.set(c, (child = { next: new Map(), end: false }));
      node = child;
    }
    if (!node.end) this.size++;
    node.end = true;
  }

  /** `text` with every known name (and logical path tail) replaced; `count` how many. */
  replace(text: string): { text: string; count: number } {
    let count = 0;
    let out = '';
    let copied = 0;
    for (let i = 0; i < text.length; i++) {
      let node: Node | undefined = this.root;
      let longest = 0;
      for (let j = i; j < text.length; j++) {
        node = node.next.get(text.charCodeAt(j));
        if (!node) break;
        if (node.end) longest = j - i + 1;
      }
      if (longest > 0) {
        out += text.slice(copied, i) + NAME_REMOVED;
        count++;
        i += longest - 1;
        copied = i + 1;
      }
    }
    out += text.slice(copied);
    const final = out.replace(LOGICAL, (_m, head: string) => {
      count++;
      return head + NAME_REMOVED;
    });
    return { text: final, count };
  }
}

/** Logical path → the name inside it (`r2/b/docs/a.pdf` → `docs/a.pdf`), or null for other paths. */
export function nameOfPath(path: string): string | null {
  const m = /^(?:r2|files)\/[^/]+\/(.+)$/.exec(path);
  return m ? m[1] : null;
}

/** Every name found in a JSON-like value (by field name), added to the matcher. */
export function collectNames(value: unknown, into: NameMatcher): void {
  const walk = (v: unknown, field: string | null): void => {
    if (typeof v === 'string') {
      if (field && NAME_FIELDS.has(field)) into.add(v);
      else if (field && PATH_FIELDS.has(field)) {
        const name = nameOfPath(v);
        if (name) into.add(name);
      }
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, field));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value, null);
}
