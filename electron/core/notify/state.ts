// What notifications already said, in the history database (migration 004): the "no backup for N
// hours" episode last reported, and the last delivery problem of each channel (shown in Settings).
import type Database from 'better-sqlite3';

type Channel = 'desktop' | 'webhook' | 'email';
const CHANNELS: readonly Channel[] = ['desktop', 'webhook', 'email'];

export class NotifyState {
  constructor(private readonly db: Database.Database) {}

  get(key: string): { value: string; at: string } | null {
    return (this.db.prepare(`SELECT value, at FROM notify_state WHERE key = ?`).get(key) as { value: string; at: string } | undefined) ?? null;
  }

  set(key: string, value: string, at = new Date().toISOString()): void {
    this.db.prepare(`INSERT INTO notify_state (key, value, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at`).run(key, value, at);
  }

  setProblem(profile: string, channel: Channel, message: string): void {
    this.set(`problem:${profile}:${channel}`, message);
  }

  clearProblem(profile: string, channel: Channel): void {
    this.db.prepare(`DELETE FROM notify_state WHERE key = ?`).run(`problem:${profile}:${channel}`);
  }

  problems(profile: string): Array<{ channel: Channel; at: string; message: string }> {
    return CHANNELS.flatMap((channel) => {
      const row = this.get(`problem:${profile}:${channel}`);
      return row ? [{ channel, at: row.at, message: row.value }] : [];
    });
  }
}
