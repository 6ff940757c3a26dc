// The MongoDB side of a connection: the client factory every part of the app uses, and the few
// things we read from a connection string without connecting (hosts, database, a masked form).
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { mapMongoError } from './errors';

export const MONGO_APP_NAME = 'pci-maintenance';

export interface MongoClientSettings {
  /** How long to look for a usable server before giving up; people wait for a "Test" button. */
  serverSelectionTimeoutMS?: number;
  connectTimeoutMS?: number;
}

/**
 * A MongoClient configured for this app. Does not connect (call `connect()`); throws MONGO_BAD_URI at
 * once for a connection string the driver cannot parse.
 */
export function createMongoClient(uri: string, settings: MongoClientSettings = {}): MongoClient {
  const options: MongoClientOptions = {
    appName: MONGO_APP_NAME,
    serverSelectionTimeoutMS: settings.serverSelectionTimeoutMS ?? 5000,
    connectTimeoutMS: settings.connectTimeoutMS ?? 5000,
    // One admin tool, a few operations at a time: a small pool is plenty and kind to the server.
    maxPoolSize: 5,
  };
  try {
    return new MongoClient(uri, options);
  } catch (err) {
    throw mapMongoError(err, { uri });
  }
}

export interface ParsedMongoUri {
  scheme: 'mongodb' | 'mongodb+srv';
  username?: string;
  password?: string;
  hosts: Array<{ host: string; port: number }>;
  database?: string;
}

/**
 * The parts of a connection string we show or probe. Lenient on purpose: the driver is the judge of
 * validity; this only needs to find hosts and the database for messages and the reachability probe.
 */
export function parseMongoUri(uri: string): ParsedMongoUri | null {
  const m = /^(mongodb(?:\+srv)?):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(?:\/([^?]*))?(?:\?.*)?$/i.exec(uri.trim());
  if (!m) return null;
  const scheme = m[1].toLowerCase() as ParsedMongoUri['scheme'];
  const hosts = m[4].split(',').map((h) => {
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(h);
    if (v6) return { host: v6[1], port: v6[2] ? Number(v6[2]) : 27017 };
    const [host, port] = h.split(':');
    return { host, port: port ? Number(port) : 27017 };
  });
  const decode = (s: string | undefined) => {
    if (s === undefined) return undefined;
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { scheme, username: decode(m[2]), password: decode(m[3]), hosts, database: decode(m[5]) || undefined };
}

export function databaseFromUri(uri: string): string | undefined {
  return parseMongoUri(uri)?.database;
}

/** `mongodb://user:••••@host/db`: the connection string with its password (and secret options) hidden. */
export function maskMongoUri(uri: string): string {
  return uri
    .trim()
    .replace(/^([a-z+]+:\/\/)([^:@/]*):([^@/]*)@/i, '$1$2:••••@')
    .replace(/([?&](?:password|authMechanismProperties|tlsCertificateKeyFilePassword)=)[^&]*/gi, '$1••••');
}

/** The password and its encoded form: both must be registered as secrets (drivers echo either). */
export function mongoUriSecrets(uri: string): string[] {
  const raw = /^[a-z+]+:\/\/[^:@/]*:([^@/]*)@/i.exec(uri.trim())?.[1];
  const parsed = parseMongoUri(uri);
  return [uri, raw, parsed?.password].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
