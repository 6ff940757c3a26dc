// The errors a person can act on (DESIGN §4): every failure that reaches the UI or the CLI is a UserError.
import { z } from 'zod';

export const ERROR_CODES = [
  'MONGO_UNREACHABLE',
  'MONGO_AUTH_FAILED',
  'MONGO_BAD_URI',
  'MONGO_DB_NOT_FOUND',
  'MONGO_ERROR',
  'R2_UNREACHABLE',
  'R2_AUTH_FAILED',
  'R2_ACCESS_DENIED',
  'R2_BUCKET_NOT_FOUND',
  'R2_CLOCK_SKEW',
  'R2_ERROR',
  'SOURCE_NOT_READABLE',
  'DEST_NOT_WRITABLE',
  'DEST_FULL',
  'DEST_NOT_FOUND',
  'DEST_UNREACHABLE',
  'WRONG_PASSPHRASE',
  'PASSPHRASE_REQUIRED',
  'BACKUP_DAMAGED',
  'REPO_NOT_FOUND',
  'REPO_UNSUPPORTED_VERSION',
  'SNAPSHOT_NOT_FOUND',
  'RESTORE_INCOMPLETE',
  'PROBLEMS_FOUND',
  'PROFILE_NOT_FOUND',
  'SECRET_MISSING',
  'CREDENTIALS_INSECURE',
  'BUSY',
  'CANCELED',
  'INVALID_INPUT',
  'NOT_FOUND',
  'NOT_AVAILABLE',
  'UNAUTHORIZED',
  'INTERNAL',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const UserErrorData = z.object({
  code: ErrorCode,
  title: z.string(),
  message: z.string(),
  hint: z.string(),
  details: z.string().optional(),
});
export type UserErrorData = z.infer<typeof UserErrorData>;

/** An error with plain words for a person: `message` says what happened, `hint` what to do next. */
export class UserError extends Error {
  readonly code: ErrorCode;
  readonly title: string;
  readonly hint: string;
  readonly details?: string;

  constructor(data: UserErrorData, options?: { cause?: unknown }) {
    super(data.message, options);
    this.name = 'UserError';
    this.code = data.code;
    this.title = data.title;
    this.hint = data.hint;
    this.details = data.details;
  }

  toJSON(): UserErrorData {
    const out: UserErrorData = { code: this.code, title: this.title, message: this.message, hint: this.hint };
    if (this.details !== undefined) out.details = this.details;
    return out;
  }

  static is(value: unknown): value is UserError {
    return value instanceof UserError;
  }

  static fromData(data: UserErrorData): UserError {
    return new UserError(data);
  }
}

/** Shorthand for the common case. */
export function userError(code: ErrorCode, title: string, message: string, hint: string, details?: string): UserError {
  return new UserError({ code, title, message, hint, details });
}

/** Anything thrown, as something safe to show: UserErrors pass through, the rest become INTERNAL (details only go to the log). */
export function toUserErrorData(err: unknown): UserErrorData {
  if (err instanceof UserError) return err.toJSON();
  if (err && typeof err === 'object' && 'code' in err && 'hint' in err && 'message' in err && 'title' in err) {
    const parsed = UserErrorData.safeParse(err);
    if (parsed.success) return parsed.data;
  }
  return {
    code: 'INTERNAL',
    title: 'Something went wrong',
    message: 'The operation stopped because of an unexpected problem.',
    hint: 'Try again. If it keeps happening, export a support bundle (Support page) and send it to whoever helps you.',
  };
}
