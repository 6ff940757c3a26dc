// Replace every secret the engine knows, exactly, in an API result. Unlike `redact`, no patterns:
// results hold example connection strings in hints ("mongodb://user:password@server…") on purpose.
import { REDACTED } from '../../../shared/redact';
import type { HandlerDeps } from './types';

export function scrubSecrets<T>(engine: HandlerDeps, value: T): T {
  let json = JSON.stringify(value);
  if (json === undefined) return value;
  const secrets = engine.secrets.list().sort((a, b) => b.length - a.length);
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) json = json.split(JSON.stringify(form).slice(1, -1)).join(REDACTED);
  }
  return JSON.parse(json) as T;
}
