// The shapes shared/redact.ts recognises without being told (for support bundles and logs): access
// key ids, AWS-style secret keys, private keys, JSON-escaped known secrets — and what it must keep.
import { describe, expect, it } from 'vitest';
import { redact, redactPatterns, redactSecrets, REDACTED } from '../../../shared/redact';

describe('redaction by shape', () => {
  it('removes access key ids named as such, and AWS-issued ids anywhere', () => {
    expect(redact('accessKeyId="0123abcd0123abcd0123abcd0123abcd" region=auto')).toBe(`accessKeyId="${REDACTED}" region=auto`);
    expect(redact('aws_access_key_id = AKIAIOSFODNN7EXAMPLE')).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(redact('key AKIAIOSFODNN7EXAMPLE used')).toBe(`key ${REDACTED} used`);
  });

  it('removes 40-character secret keys but keeps hex ids and folder paths', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(redact(`the key ${secret} was refused`)).toBe(`the key ${REDACTED} was refused`);
    const blob = 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778';
    const snapshot = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
    expect(redact(`blob ${blob} of ${snapshot}`)).toBe(`blob ${blob} of ${snapshot}`);
    expect(redact('/home/Alice/Documents/Backups2024/PCIdata')).toBe('/home/Alice/Documents/Backups2024/PCIdata');
  });

  it('removes private keys and Authorization headers', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----';
    expect(redact(`tlsCertificateKeyFile:\n${pem}\nend`)).toBe(`tlsCertificateKeyFile:\n${REDACTED}\nend`);
    expect(redactPatterns('Authorization: Bearer abc.def.ghi-123')).toBe(`Authorization: ${REDACTED}`);
  });

  it('finds known secrets also in their JSON-escaped form', () => {
    const secret = 'pa"ss\\word';
    const json = JSON.stringify({ note: `uses ${secret}` });
    expect(redactSecrets(json, [secret])).toBe(JSON.stringify({ note: `uses ${REDACTED}` }));
  });
});
