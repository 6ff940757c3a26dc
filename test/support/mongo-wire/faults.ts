// Fault injection for the TEST DOUBLE: lets tests provoke what a real deployment does now and then
// (dropped connections mid-cursor, slow replies, command failures, cursors reaped by idle timeout).

export interface CommandFailure {
  code: number;
  codeName?: string;
  errmsg?: string;
  /** How many times the command fails before it works again; default: until `clear()`. */
  times?: number;
  errorLabels?: string[];
}

export interface DropOptions {
  /** Only cursors on this collection count ("coll" or "db.coll"); default: every find/aggregate cursor. */
  collection?: string;
}

interface DropRule {
  after: number;
  returned: number;
  collection?: string;
}

export class FaultController {
  private drop?: DropRule;
  private failures = new Map<string, CommandFailure & { remaining: number }>();
  private delayMs = 0;

  /** @param killCursors empties the server's cursor table (wired by the server). */
  constructor(private readonly killCursors: () => void) {}

  /**
   * Closes the socket instead of answering once `n` documents have been returned by find/aggregate
   * cursors (first batches and getMores). A batch that would cross `n` is cut at `n`; the next
   * cursor reply drops the connection. Fires once, then disarms.
   */
  dropConnectionAfterDocuments(n: number, opts: DropOptions = {}): void {
    this.drop = { after: n, returned: 0, collection: opts.collection };
  }

  /** Delays every reply except the handshake (`hello`/`isMaster`), so server monitoring stays healthy. */
  delayReplies(ms: number): void {
    this.delayMs = ms;
  }

  /** Answers the named command with this error (`ok: 0`) `times` times (default: until cleared). */
  failCommand(name: string, failure: CommandFailure): void {
    this.failures.set(name.toLowerCase(), { ...failure, remaining: failure.times ?? Infinity });
  }

  /** Forgets every open cursor, as an idle-cursor timeout would: later getMores get CursorNotFound (43). */
  killAllCursors(): void {
    this.killCursors();
  }

  clear(): void {
    this.drop = undefined;
    this.failures.clear();
    this.delayMs = 0;
  }

  // ---- hooks used by the server ----

  get replyDelayMs(): number {
    return this.delayMs;
  }

  takeFailure(command: string): CommandFailure | undefined {
    const f = this.failures.get(command.toLowerCase());
    if (!f || f.remaining <= 0) return undefined;
    f.remaining -= 1;
    return f;
  }

  /** How many of `batchSize` documents of a cursor on `ns` may be sent; 'drop' to close the socket. */
  allowDocuments(ns: string, batchSize: number): number | 'drop' {
    const rule = this.drop;
    if (!rule) return batchSize;
    if (rule.collection && rule.collection !== ns && rule.collection !== ns.slice(ns.indexOf('.') + 1)) return batchSize;
    if (rule.returned >= rule.after) {
      this.drop = undefined;
      return 'drop';
    }
    const allowed = Math.min(batchSize, rule.after - rule.returned);
    rule.returned += allowed;
    return allowed;
  }
}
