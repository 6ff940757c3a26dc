// A small settings file in the data folder (STYLE 10): zod-validated on every read, written atomically
// (profiles/atomic.ts), changes queued in-process so two saves never lose each other's change.
// Used by schedules.json, notifications.json and maintenance.json.
import fs from 'node:fs';
import type { z } from 'zod';
import { userError } from '../../../shared/errors';
import { writeFileAtomic } from '../profiles/atomic';

export class SettingsFile<S extends z.ZodType> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly schema: S,
    private readonly empty: () => z.output<S>,
    private readonly what: string,
  ) {}

  read(): z.output<S> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.empty();
      throw err;
    }
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // reported below as damaged
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      throw userError('INVALID_INPUT', 'Settings file damaged', `The file with the ${this.what} cannot be read.`, `Fix or delete ${this.file}, then set them again.`, parsed.error?.message);
    }
    return parsed.data;
  }

  /** Read, change, validate and write under the queue; resolves with what `fn` returns. */
  change<T>(fn: (data: z.output<S>) => T): Promise<T> {
    const next = this.queue.then(async () => {
      const data = this.read();
      const result = fn(data);
      const valid = this.schema.parse(data);
      await writeFileAtomic(this.file, JSON.stringify(valid, null, 2) + '\n', 0o600);
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
