// Blob encoding and the crypto around it: round trips, raw-vs-gzip choice, ids, tamper detection, key unlock.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FLAG_GZIP, FLAG_RAW, blobPath, decodeBlob, encodeBlob } from '../../../electron/core/repository/blob-codec';
import { createEncryption, unlockEncryption } from '../../../electron/core/repository/crypto';
import { TEST_SCRYPT_N, expectUserError, pseudoRandom } from './helpers';

const text = Buffer.from('{"name":"report.pdf","owner":"anna"}\n'.repeat(2000));
const REPO_ID = '0123456789abcdef0123456789abcdef';

describe('blob codec, not encrypted', () => {
  it('gzips compressible data and the id is the SHA-256 of the plaintext', async () => {
    const { id, encoded, compressed } = await encodeBlob(text, null);
    expect(id).toBe(createHash('sha256').update(text).digest('hex'));
    expect(compressed).toBe(true);
    expect(encoded[0]).toBe(FLAG_GZIP);
    expect(encoded.length).toBeLessThan(text.length / 10);
    expect(gunzipSync(encoded.subarray(1)).equals(text)).toBe(true); // a plain gzip body, readable by any tool
    expect((await decodeBlob(encoded, id, null)).equals(text)).toBe(true);
  });

  it('stores incompressible data raw', async () => {
    const noise = pseudoRandom(300_000, 7);
    const { id, encoded, compressed } = await encodeBlob(noise, null);
    expect(compressed).toBe(false);
    expect(encoded[0]).toBe(FLAG_RAW);
    expect(encoded.length).toBe(noise.length + 1);
    expect((await decodeBlob(encoded, id, null)).equals(noise)).toBe(true);
  });

  it('round-trips an empty blob', async () => {
    const { id, encoded } = await encodeBlob(Buffer.alloc(0), null);
    expect((await decodeBlob(encoded, id, null)).length).toBe(0);
  });

  it('reports a flipped bit as BACKUP_DAMAGED naming the blob file', async () => {
    for (const data of [text, pseudoRandom(10_000, 3)]) {
      const { id, encoded } = await encodeBlob(data, null);
      encoded[encoded.length - 20] ^= 0x04;
      const err = await expectUserError(decodeBlob(encoded, id, null), 'BACKUP_DAMAGED');
      expect(err.message).toContain(blobPath(id));
    }
  });

  it('rejects an unknown encoding flag', async () => {
    const { id, encoded } = await encodeBlob(text, null);
    encoded[0] = 0x7f;
    await expectUserError(decodeBlob(encoded, id, null), 'BACKUP_DAMAGED');
  });
});

describe('blob codec, encrypted', () => {
  it('round-trips, uses HMAC ids and leaves no plaintext in the file', async () => {
    const { keys } = await createEncryption('correct horse', REPO_ID, TEST_SCRYPT_N);
    const { id, encoded, compressed } = await encodeBlob(text, keys);
    expect(id).not.toBe(createHash('sha256').update(text).digest('hex'));
    expect(compressed).toBe(true);
    expect(encoded.includes(Buffer.from('report.pdf'))).toBe(false);
    expect((await decodeBlob(encoded, id, keys)).equals(text)).toBe(true);
  });

  it('detects tampering, a swapped blob and a flipped flag byte', async () => {
    const { keys } = await createEncryption('pw', REPO_ID, TEST_SCRYPT_N);
    const a = await encodeBlob(text, keys);
    const b = await encodeBlob(pseudoRandom(5000), keys);
    const tampered = Buffer.from(a.encoded);
    tampered[30] ^= 0x80;
    expect((await expectUserError(decodeBlob(tampered, a.id, keys), 'BACKUP_DAMAGED')).message).toContain(blobPath(a.id));
    await expectUserError(decodeBlob(b.encoded, a.id, keys), 'BACKUP_DAMAGED'); // AAD binds the id
    const flag = Buffer.from(b.encoded);
    flag[0] = FLAG_GZIP;
    await expectUserError(decodeBlob(flag, b.id, keys), 'BACKUP_DAMAGED'); // AAD binds the flag
  });

  it('two encryptions of the same data differ (random nonce) but have the same id', async () => {
    const { keys } = await createEncryption('pw', REPO_ID, TEST_SCRYPT_N);
    const x = await encodeBlob(text, keys);
    const y = await encodeBlob(text, keys);
    expect(x.id).toBe(y.id);
    expect(x.encoded.equals(y.encoded)).toBe(false);
  });
});

describe('key wrapping', () => {
  it('unlocks with the right passphrase and refuses a wrong one', async () => {
    const { config, keys } = await createEncryption('Grüße 🔑', REPO_ID, TEST_SCRYPT_N);
    const blob = await encodeBlob(text, keys);
    // NFC normalisation: the same passphrase typed in decomposed form still works.
    const again = await unlockEncryption(config, 'Grüße 🔑'.normalize('NFD'), REPO_ID);
    expect((await decodeBlob(blob.encoded, blob.id, again)).equals(text)).toBe(true);
    const err = await expectUserError(unlockEncryption(config, 'Grusse', REPO_ID), 'WRONG_PASSPHRASE');
    expect(err.message).toBe('The passphrase is not right');
    expect(err.hint).toBe('Check the passphrase. It cannot be recovered if it is lost.');
  });

  it('tells a damaged wrapped key from a wrong passphrase', async () => {
    const { config } = await createEncryption('pw', REPO_ID, TEST_SCRYPT_N);
    const wrapped = Buffer.from(config.wrappedKey, 'base64');
    wrapped[20] ^= 1;
    await expectUserError(unlockEncryption({ ...config, wrappedKey: wrapped.toString('base64') }, 'pw', REPO_ID), 'BACKUP_DAMAGED');
    // The wrapped key is bound to its repository id.
    await expectUserError(unlockEncryption(config, 'pw', 'ffffffffffffffffffffffffffffffff'), 'BACKUP_DAMAGED');
  });

  it('derives the production key (N = 2^17) without hitting the scrypt memory limit', async () => {
    const { config } = await createEncryption('pw', REPO_ID);
    expect(config.N).toBe(2 ** 17);
    expect(config.r).toBe(8);
    await unlockEncryption(config, 'pw', REPO_ID);
  });
});
