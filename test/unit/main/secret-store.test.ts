// The desktop SecretStore with a stand-in for Electron's safeStorage (the binary is not available in
// tests): ciphertext on disk, never the secret; a warning for the weak Linux backend.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, type SafeStorageLike } from '../../../electron/main/secret-store';
import { tempDir } from '../../support/engine';

/** A reversible stand-in: XOR with a key, like any cipher it must not leave the plain text on disk. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => xor(Buffer.from(s, 'utf8')),
    decryptString: (b) => xor(b).toString('utf8'),
    getSelectedStorageBackend: () => backend,
  };
}

const home = tempDir();
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('SafeStorageSecretStore', () => {
  it('stores only ciphertext, in a 0600 file, and reads it back', async () => {
    const store = new SafeStorageSecretStore(home, fakeSafeStorage(), 'linux');
    await store.set('Office', 'mongoUri', 'mongodb://u:Sentinel-Pass-1@h/db');
    expect(await store.get('Office', 'mongoUri')).toBe('mongodb://u:Sentinel-Pass-1@h/db');
    const file = path.join(home, 'secrets.json');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('Sentinel-Pass-1');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(store.info()).toMatchObject({ kind: 'safeStorage', warning: null });
    await store.remove('Office');
    expect(await store.get('Office', 'mongoUri')).toBeUndefined();
  });

  it('warns about the basic_text backend and refuses to save without encryption', async () => {
    expect(new SafeStorageSecretStore(home, fakeSafeStorage('basic_text'), 'linux').info().warning).toContain('not securely encrypted');
    const none = new SafeStorageSecretStore(home, fakeSafeStorage('gnome_libsecret', false), 'linux');
    expect(none.info().warning).toContain('cannot be saved');
    await expect(none.set('Office', 'mongoUri', 'x')).rejects.toMatchObject({ code: 'CREDENTIALS_INSECURE' });
  });
});
