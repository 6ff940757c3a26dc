// Event-triggered backups (the HTTP trigger of browser mode and of the desktop listener): check the
// caller's trigger token, then start a backup tagged "event" — or join the one already gathering.
// The first trigger of a burst starts a backup job at once (its id is the answer) that waits a minute
// for more events before it reads anything; triggers in that minute (and while it then waits for
// another job on the same backup location) get the same job id and add their tags. A trigger that
// comes once the backup is reading starts the next one, which waits for the first to finish: a change
// made while a backup runs may have been missed by it, so it is never coalesced into one past it.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { TRIGGER_COALESCE_SECONDS, TriggerBody, type CreatedTriggerToken, type TriggerAccepted, type TriggerList } from '../../../shared/api/trigger';
import { UserError, userError } from '../../../shared/errors';
import type { JobSpec } from '../jobs/manager';
import type { Services } from '../services';
import type { BackupSummary } from '../../../shared/api/backup';
import { backupJob, backupProfile, backupTags } from '../backup/profile-jobs';
import { TriggerTokenStore } from './tokens';

/** The most tags a restore point takes from the events gathered into it (backup.start's limit). */
const MAX_EVENT_TAGS = 9;

/** A trigger whose token was accepted. */
export interface TriggerAuth {
  profile: string;
  tokenId: string;
  label: string;
}

interface Gathering {
  jobId: string;
  tags: Set<string>;
  log: ((message: string) => void) | null;
}

/** The one answer to every refused call: it never says whether the connection exists. */
export function unauthorized(): UserError {
  return userError('UNAUTHORIZED', 'Not allowed', 'The trigger token is missing or not valid for this address.', 'Send "Authorization: Bearer <token>" with a trigger token made for this connection in PCI Maintenance.');
}

export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

export function hookLine(base: string, profile: string, token: string): string {
  return `curl -X POST -H "Authorization: Bearer ${token}" ${base}/api/trigger/${encodeURIComponent(profile)}`;
}

export class TriggerService {
  readonly tokens: TriggerTokenStore;
  /** How long the first trigger of a burst waits for more (tests shorten it). */
  settleMs = TRIGGER_COALESCE_SECONDS * 1000;
  /** Where this process answers triggers (set by the host that listens: `pci-maint serve`, the desktop listener). */
  listeningAt: string | null = null;
  private readonly gathering = new Map<string, Gathering>();
  private readonly changes = new EventEmitter();

  constructor(private readonly engine: Services) {
    this.tokens = new TriggerTokenStore(engine.paths.home);
    if (engine.testTriggerSettleMs !== null) this.settleMs = engine.testTriggerSettleMs;
  }

  /** Tokens made or revoked, or the port changed: the desktop listener starts, stops or moves. */
  onChange(listener: () => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  /** Whether any connection has a token (the desktop listener runs only then). */
  hasTokens(): boolean {
    return this.tokens.list().length > 0;
  }

  async setPort(port: number): Promise<number> {
    const saved = await this.tokens.setPort(port);
    this.changes.emit('change');
    return saved;
  }

  list(profile: string): TriggerList {
    const name = this.engine.profiles.get(profile).name;
    return { profile: name, tokens: this.tokens.list(name), listeningAt: this.listeningAt, port: this.tokens.port() };
  }

  private base(): string {
    return this.listeningAt ?? `http://127.0.0.1:${this.tokens.port()}`;
  }

  async create(profile: string, label?: string): Promise<CreatedTriggerToken> {
    const name = this.engine.profiles.get(profile).name;
    const made = await this.tokens.create(name, label ?? `Trigger ${this.tokens.list(name).length + 1}`);
    this.engine.secrets.add(made.token); // shown once; never in a log line after that
    this.engine.log.scope('trigger').info(`trigger token ${made.id} ("${made.label}") made for "${name}"`);
    this.changes.emit('change');
    return { ...made, hook: hookLine(this.base(), name, made.token) };
  }

  async revoke(profile: string, id: string): Promise<TriggerList> {
    const name = this.engine.profiles.get(profile).name;
    await this.tokens.revoke(name, id);
    this.engine.log.scope('trigger').info(`trigger token ${id} of "${name}" revoked`);
    this.changes.emit('change');
    return this.list(name);
  }

  /**
   * The token of a call to POST /api/trigger/<profile>, checked before anything else is read: a
   * refusal is the same whether the connection exists or not.
   */
  authorize(profile: string, authorization: string | undefined): TriggerAuth {
    const token = bearerToken(authorization);
    const entry = token ? this.tokens.match(profile, token) : null;
    if (!token || !entry || !this.engine.profiles.list().some((p) => p.name === profile)) throw unauthorized();
    this.engine.secrets.add(token);
    return { profile, tokenId: entry.id, label: entry.label };
  }

  /** An authorized trigger: check its body, then start the backup or join the one gathering. */
  fire(auth: TriggerAuth, body: unknown): TriggerAccepted {
    const { profile } = auth;
    const entry = { id: auth.tokenId, label: auth.label };
    const parsed = TriggerBody.safeParse(body ?? {});
    if (!parsed.success) {
      throw userError('INVALID_INPUT', 'Invalid trigger', 'The body of the trigger is not valid: it may only carry a tag, e.g. {"tag":"gallery-added"}.', 'Use up to 40 lower-case letters, digits and dashes for the tag; "event", "pre-update", "pre-restore" and "imported" are set by the app itself.', parsed.error.message);
    }
    const tag = parsed.data.tag;
    void this.tokens.touch(entry.id).catch((err: unknown) => this.engine.log.scope('trigger').warn(`could not note the use of trigger token ${entry.id}: ${String(err)}`));

    const open = this.gathering.get(profile);
    if (open) {
      const added = tag !== undefined && !open.tags.has(tag) && open.tags.size < MAX_EVENT_TAGS;
      if (added) open.tags.add(tag!);
      open.log?.(`Another event joined this backup (token "${entry.label}"${tag ? `, tag "${tag}"` : ''}${tag && !added && !open.tags.has(tag) ? '; too many tags already, not added' : ''}).`);
      return { ok: true, jobId: open.jobId, coalesced: true, tags: backupTags({ event: true, tags: [...open.tags] }) };
    }
    const gathering: Gathering = { jobId: '', tags: new Set(tag ? [tag] : []), log: null };
    const job = this.engine.jobs.start(this.spec(profile, gathering, entry.label));
    gathering.jobId = job.id;
    this.gathering.set(profile, gathering);
    void this.engine.jobs.wait(job.id).then(() => this.closeGathering(profile, gathering)); // cancelled or failed while waiting
    return { ok: true, jobId: job.id, coalesced: false, tags: backupTags({ event: true, tags: [...gathering.tags] }) };
  }

  /** From now on a trigger starts the next backup: this one is reading (or ended) and may be past its change. */
  private closeGathering(profile: string, gathering: Gathering): void {
    if (this.gathering.get(profile) === gathering) this.gathering.delete(profile);
    gathering.log = null;
  }

  private spec(profile: string, gathering: Gathering, label: string): JobSpec<BackupSummary> {
    const base = backupJob(this.engine, profile, { event: true, tags: [...gathering.tags] });
    const seconds = Math.round(this.settleMs / 1000);
    return {
      ...base,
      waitForLocks: true,
      prepare: async (ctx) => {
        gathering.log = (message) => ctx.log('info', message);
        ctx.log('info', `Asked for by an event (trigger token "${label}"${gathering.tags.size > 0 ? `, tag "${[...gathering.tags][0]}"` : ''}).`);
        ctx.onProgress({ phase: 'Waiting for more events', message: `Events in the next ${seconds} seconds join this backup.` });
        await sleep(this.settleMs, undefined, { signal: ctx.signal });
      },
      // Triggers keep joining while it waits for another job to finish; once it reads, they start the next one.
      run: (ctx) => {
        this.closeGathering(profile, gathering);
        return backupProfile(this.engine, profile, { tags: backupTags({ event: true, tags: [...gathering.tags] }) }, ctx);
      },
    };
  }
}
