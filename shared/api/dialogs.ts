// Native dialogs of the desktop app (in browser mode `available` is false and the UI shows a text field).
import { z } from 'zod';
import { method } from './method';

export const dialogMethods = {
  'dialogs.pickFolder': method(
    z.object({ title: z.string().max(200).default('Choose a folder'), defaultPath: z.string().max(4096).optional() }).strict(),
    z.object({ available: z.boolean(), path: z.string().nullable() }),
    'Let a person choose a folder with the system dialog (desktop app only).',
  ),
} as const;
