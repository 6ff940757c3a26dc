// Command errors of the MongoDB wire-protocol TEST DOUBLE, shaped like mongod's {ok:0, errmsg, code, codeName}.
import type { Document } from 'bson';

/** The error codes this double answers with; numbers and names are mongod's (src/mongo/base/error_codes.yml). */
export const Codes = {
  InternalError: [1, 'InternalError'],
  BadValue: [2, 'BadValue'],
  FailedToParse: [9, 'FailedToParse'],
  Unauthorized: [13, 'Unauthorized'],
  TypeMismatch: [14, 'TypeMismatch'],
  AuthenticationFailed: [18, 'AuthenticationFailed'],
  IllegalOperation: [20, 'IllegalOperation'],
  NamespaceNotFound: [26, 'NamespaceNotFound'],
  IndexNotFound: [27, 'IndexNotFound'],
  CursorNotFound: [43, 'CursorNotFound'],
  NamespaceExists: [48, 'NamespaceExists'],
  CommandNotFound: [59, 'CommandNotFound'],
  ImmutableField: [66, 'ImmutableField'],
  InvalidOptions: [72, 'InvalidOptions'],
  InvalidNamespace: [73, 'InvalidNamespace'],
  NoReplicationEnabled: [76, 'NoReplicationEnabled'],
  IndexOptionsConflict: [85, 'IndexOptionsConflict'],
  IndexKeySpecsConflict: [86, 'IndexKeySpecsConflict'],
  CommandNotSupported: [115, 'CommandNotSupported'],
  DocumentValidationFailure: [121, 'DocumentValidationFailure'],
  NotAReplicaSet: [123, 'NotAReplicaSet'],
  CommandNotSupportedOnView: [166, 'CommandNotSupportedOnView'],
  MechanismUnavailable: [334, 'MechanismUnavailable'],
  BSONObjectTooLarge: [10334, 'BSONObjectTooLarge'],
  DuplicateKey: [11000, 'DuplicateKey'],
} as const satisfies Record<string, readonly [number, string]>;

export type CodeName = keyof typeof Codes;

/** Thrown by command handlers; the dispatcher turns it into an `ok: 0` reply. */
export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly extra: Document;

  constructor(code: CodeName | { code: number; codeName: string }, errmsg: string, extra: Document = {}) {
    super(errmsg);
    const [num, name] = typeof code === 'string' ? Codes[code] : [code.code, code.codeName];
    this.code = num;
    this.codeName = name;
    this.extra = extra;
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** Per-statement write error (insert/update/delete keep going or stop, depending on `ordered`). */
export interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

export function toWriteError(index: number, err: unknown): WriteError {
  if (err instanceof CommandError) return { index, code: err.code, errmsg: err.message, ...err.extra };
  return { index, code: Codes.BadValue[0], errmsg: err instanceof Error ? err.message : String(err) };
}

/** Signals that the connection must be dropped instead of answered (fault injection). */
export class DropConnection extends Error {
  constructor() {
    super('connection dropped by fault injection');
  }
}
