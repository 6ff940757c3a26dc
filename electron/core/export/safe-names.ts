// Untrusted names (object keys, collection and database names, file paths) turned into relative paths
// that stay inside the export folder on every operating system. Each `/`-separated segment is kept as
// it is where that is safe and written with %XX escapes where not (`..`, `\`, `:`, NUL, control
// characters, Windows device names, trailing dots); names that would collide on a case-insensitive or
// Unicode-normalising file system, or a file where a folder is needed, get a `~2`, `~3`… suffix.
// The export manifest records the path chosen for every entry, so nothing depends on decoding this.
import { createHash } from 'node:crypto';

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const UNSAFE_CHAR = /[%/\\:*?"<>|\u0000-\u001f\u007f]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** File names are limited to 255 bytes on common file systems; leave room for suffixes. */
const MAX_SEGMENT_BYTES = 200;

const hex = (ch: string) => [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** One safe file name for one segment of an untrusted path. Injective: different segments, different names. */
export function encodeSegment(segment: string): string {
  if (segment === '') return '%'; // a lone % cannot come from anything else: a real % is written %25
  if (segment === '.' || segment === '..') return segment.replace(/\./g, '%2E');
  let out = segment.replace(UNSAFE_CHAR, hex);
  // Windows drops trailing dots and spaces, and reserves device names whatever their extension.
  out = out.replace(/[. ]$/, (ch) => hex(ch));
  const stem = out.split('.')[0];
  if (DEVICE.test(stem)) out = hex(out[0]) + out.slice(1);
  if (Buffer.byteLength(out, 'utf8') > MAX_SEGMENT_BYTES) {
    // Shortened, with a hash of the whole name so two long names never meet; the extension is kept.
    const ext = /\.[A-Za-z0-9]{1,16}$/.exec(out)?.[0] ?? '';
    let cut = out.slice(0, 150);
    while (Buffer.byteLength(cut, 'utf8') > 150) cut = cut.slice(0, -1);
    cut = cut.replace(/%[0-9A-F]?$/, ''); // never end inside an escape
    out = `${cut}~${createHash('sha256').update(segment, 'utf8').digest('hex').slice(0, 16)}${ext}`;
  }
  return out;
}

type Kind = 'file' | 'dir';
interface Taken {
  name: string;
  kind: Kind;
}

/** The folded form two names collide in on case-insensitive, normalising file systems (Windows, macOS). */
const fold = (name: string) => name.normalize('NFC').toLowerCase();

function withSuffix(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}~${n}${name.slice(dot)}` : `${name}~${n}`;
}

/** Chooses, and remembers, the output path of every entry of one export. */
export class SafePaths {
  /** Per output folder: folded name → the name and kind that took it. */
  private readonly taken = new Map<string, Map<string, Taken>>();
  /** Per output folder: (encoded name, kind) → the name chosen for it (folders are reused by many entries). */
  private readonly chosen = new Map<string, Map<string, string>>();

  /**
   * The output path for `segments` (untrusted) below `base` (trusted, e.g. `r2/<encoded bucket>`),
   * the last segment being a file or a folder.
   */
  place(base: string, segments: string[], last: Kind = 'file'): string {
    let dir = base;
    segments.forEach((segment, i) => {
      const kind: Kind = i === segments.length - 1 ? last : 'dir';
      dir = `${dir}/${this.allocate(dir, encodeSegment(segment), kind)}`;
    });
    return dir;
  }

  /** A name in `dir`, e.g. a collection's file stem; `suffixes` are the files derived from it. */
  placeName(dir: string, name: string, suffix = ''): string {
    return `${dir}/${this.allocate(dir, encodeSegment(name) + suffix, 'file')}`;
  }

  private allocate(dir: string, name: string, kind: Kind): string {
    const chosen = this.chosen.get(dir) ?? new Map<string, string>();
    this.chosen.set(dir, chosen);
    const memo = `${kind}:${name}`;
    const known = chosen.get(memo);
    if (known !== undefined && kind === 'dir') return known;
    const taken = this.taken.get(dir) ?? new Map<string, Taken>();
    this.taken.set(dir, taken);
    let candidate = name;
    for (let n = 2; taken.has(fold(candidate)); n++) candidate = withSuffix(name, n);
    taken.set(fold(candidate), { name: candidate, kind });
    chosen.set(memo, candidate);
    return candidate;
  }
}
