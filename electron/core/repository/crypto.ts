// Encryption of a backup location (docs/backup-format.md §2.1, §4): scrypt-wrapped master key,
// AES-256-GCM per blob, HMAC-SHA-256 blob ids. Heavy work runs on the libuv thread pool
// (crypto.scrypt and WebCrypto are asynchronous there), so the event loop never stalls; only the
// plain SHA-256 of unencrypted blobs runs in place (about a millisecond per chunk, see blobIdOf).
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual, webcrypto } from 'node:crypto';
import { backupDamaged, wrongPassphrase } from './errors';

type CryptoKey = webcrypto.CryptoKey;
const subtle = webcrypto.subtle;

export const PRODUCTION_SCRYPT_N = 2 ** 17;
export const MIN_READ_SCRYPT_N = 2 ** 10;
export const MAX_READ_SCRYPT_N = 2 ** 18;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionConfig {
  algorithm: 'aes-256-gcm';
  kdf: 'scrypt';
  N: number;
  r: typeof SCRYPT_R;
  p: typeof SCRYPT_P;
  salt: string;
  wrappedKey: string;
  keyCheck: string;
}

/** The unlocked keys of an encrypted repository; never serialised, never logged. */
export interface RepoKeys {
  data: CryptoKey;
  id: CryptoKey;
  chunkerKey: Buffer;
}

function scryptAsync(passphrase: string, salt: Buffer, N: number): Promise<Buffer> {
  // Node refuses N·r·128 bytes above maxmem (32 MiB by default); N = 2^17 needs 128 MiB.
  const maxmem = 128 * N * SCRYPT_R * 2 + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(passphrase.normalize('NFC'), 'utf8'), salt, 32, { N, r: SCRYPT_R, p: SCRYPT_P, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function keyCheckOf(kek: Buffer): Buffer {
  return createHmac('sha256', kek).update('pci-maintenance/v1/key-check').digest();
}

function wrapAad(repoId: string): Buffer {
  return Buffer.from(`pci-maintenance/v1/master-key/${repoId}`, 'ascii');
}

function hkdf(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), Buffer.from(info, 'ascii'), 32));
}

async function deriveKeys(master: Buffer): Promise<RepoKeys> {
  const data = await subtle.importKey('raw', hkdf(master, 'pci-maintenance/v1/data'), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const id = await subtle.importKey('raw', hkdf(master, 'pci-maintenance/v1/blob-id'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return { data, id, chunkerKey: hkdf(master, 'pci-maintenance/v1/chunker') };
}

/** Set up encryption for a new repository: a random master key wrapped under the passphrase. */
export async function createEncryption(passphrase: string, repoId: string, N: number = PRODUCTION_SCRYPT_N): Promise<{ config: EncryptionConfig; keys: RepoKeys }> {
  if (passphrase.length === 0) throw new Error('An empty passphrase cannot protect a backup');
  const salt = randomBytes(16);
  const kek = await scryptAsync(passphrase, salt, N);
  const master = randomBytes(32);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(wrapAad(repoId));
  const wrapped = Buffer.concat([nonce, cipher.update(master), cipher.final(), cipher.getAuthTag()]);
  const config: EncryptionConfig = {
    algorithm: 'aes-256-gcm',
    kdf: 'scrypt',
    N,
    r: SCRYPT_R,
    p: SCRYPT_P,
    salt: salt.toString('base64'),
    wrappedKey: wrapped.toString('base64'),
    keyCheck: keyCheckOf(kek).toString('base64'),
  };
  return { config, keys: await deriveKeys(master) };
}

/** Unlock with the passphrase: WRONG_PASSPHRASE when it is not right, BACKUP_DAMAGED when `config` is. */
export async function unlockEncryption(config: EncryptionConfig, passphrase: string, repoId: string): Promise<RepoKeys> {
  const kek = await scryptAsync(passphrase, Buffer.from(config.salt, 'base64'), config.N);
  const expected = Buffer.from(config.keyCheck, 'base64');
  const actual = keyCheckOf(kek);
  const checkMatches = expected.length === actual.length && timingSafeEqual(expected, actual);
  const wrapped = Buffer.from(config.wrappedKey, 'base64');
  let master: Buffer | null = null;
  if (wrapped.length === NONCE_BYTES + 32 + TAG_BYTES) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, NONCE_BYTES));
      decipher.setAAD(wrapAad(repoId));
      decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
      master = Buffer.concat([decipher.update(wrapped.subarray(NONCE_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
    } catch (_err) {
      master = null;
    }
  }
  // The key itself is the truth: if it unwraps, the passphrase was right even if keyCheck got damaged.
  if (master) return deriveKeys(master);
  if (checkMatches) throw backupDamaged('config', 'the passphrase is right but the wrapped master key does not decrypt');
  throw wrongPassphrase();
}

/** nonce(12) ‖ ciphertext ‖ tag(16), AES-256-GCM with a fresh random nonce. */
export async function seal(key: CryptoKey, plaintext: Uint8Array, aad: Uint8Array): Promise<Buffer> {
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, key, plaintext);
  return Buffer.concat([nonce, Buffer.from(sealed)]);
}

/** Reverse of `seal`; any tampering (or the wrong key) is BACKUP_DAMAGED naming `file`. */
export async function open(key: CryptoKey, envelope: Uint8Array, aad: Uint8Array, file: string): Promise<Buffer> {
  if (envelope.length < NONCE_BYTES + TAG_BYTES) throw backupDamaged(file, 'too short to be encrypted data');
  try {
    const plain = await subtle.decrypt(
      { name: 'AES-GCM', iv: envelope.subarray(0, NONCE_BYTES), additionalData: aad, tagLength: 128 },
      key,
      envelope.subarray(NONCE_BYTES),
    );
    return Buffer.from(plain);
  } catch (err) {
    throw backupDamaged(file, 'authentication failed (the content was changed or corrupted)', err);
  }
}

/**
 * The blob id: SHA-256 of the plaintext, or HMAC-SHA-256 under the id key when encrypted. The plain
 * hash runs in place on the calling thread: with SHA extensions it takes well under a millisecond per
 * MiB (a 4 MiB chunk at most), while WebCrypto first copies every chunk — measured as much CPU as the
 * hash itself, and a gigabyte of garbage per gigabyte backed up.
 */
export async function blobIdOf(data: Uint8Array, idKey: CryptoKey | null): Promise<string> {
  if (!idKey) return createHash('sha256').update(data).digest('hex');
  return Buffer.from(await subtle.sign('HMAC', idKey, data)).toString('hex');
}
