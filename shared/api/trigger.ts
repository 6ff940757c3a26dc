// Event triggers: an app asks for a backup when something happens ("a gallery was added") by calling
// POST /api/trigger/<connection> with a trigger token of that connection. Tokens are made here, shown
// once, kept only as a hash, and can be revoked; the HTTP call itself is no contract method (it has
// its own token, not the UI's), its body and answer are described here.
import { z } from 'zod';
import { ProfileName } from '../profile';
import { method } from './method';
import { UserBackupTag } from './backup';

/** How long a burst of triggers is gathered into one backup (the first trigger starts the wait). */
export const TRIGGER_COALESCE_SECONDS = 60;
/** The port of the desktop app's trigger listener unless another is chosen. */
export const DEFAULT_TRIGGER_PORT = 8766;

export const TriggerTokenId = z.string().regex(/^[a-f0-9]{16}$/, 'Not a token id.');

/** A token as listed: never the token itself, which is shown once when it is made. */
export const TriggerTokenInfo = z.object({
  id: TriggerTokenId,
  profile: z.string(),
  label: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type TriggerTokenInfo = z.infer<typeof TriggerTokenInfo>;

export const TriggerList = z.object({
  profile: z.string(),
  tokens: z.array(TriggerTokenInfo),
  /** Where this process answers triggers now (browser mode or the desktop listener), null when it does not. */
  listeningAt: z.string().nullable(),
  /** The desktop app's trigger listener port (settings). */
  port: z.number().int().min(1).max(65535),
});
export type TriggerList = z.infer<typeof TriggerList>;

export const CreatedTriggerToken = TriggerTokenInfo.extend({
  /** The token itself: shown this once, never stored (only its SHA-256 is). */
  token: z.string(),
  /** The line to put in the app's hook, with the token filled in. */
  hook: z.string(),
});
export type CreatedTriggerToken = z.infer<typeof CreatedTriggerToken>;

/** What the caller may send in the body of POST /api/trigger/<connection> (an empty body is fine). */
export const TriggerBody = z.object({ tag: UserBackupTag.optional() }).strict();
export type TriggerBody = z.infer<typeof TriggerBody>;

/** The answer (202): the backup job the trigger started or joined. */
export const TriggerAccepted = z.object({
  ok: z.literal(true),
  jobId: z.string(),
  /** True when the trigger joined a backup already waiting for more events. */
  coalesced: z.boolean(),
  /** The tags the restore point will carry ("event" and the events' own). */
  tags: z.array(z.string()),
});
export type TriggerAccepted = z.infer<typeof TriggerAccepted>;

const ForProfile = z.object({ profile: ProfileName }).strict();

export const triggerMethods = {
  'trigger.list': method(ForProfile, TriggerList, 'The trigger tokens of a connection (never the tokens themselves) and where triggers are answered.'),
  'trigger.create': method(
    ForProfile.extend({ label: z.string().trim().min(1).max(80).optional() }).strict(),
    CreatedTriggerToken,
    'Make a trigger token for a connection; the token is in this answer only.',
  ),
  'trigger.revoke': method(ForProfile.extend({ id: TriggerTokenId }).strict(), TriggerList, 'Revoke a trigger token: calls with it are refused from now on.'),
  'trigger.setPort': method(z.object({ port: z.number().int().min(1024).max(65535) }).strict(), z.object({ port: z.number() }), 'Desktop app: the port of the trigger listener on 127.0.0.1.'),
} as const;
