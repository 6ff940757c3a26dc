import { describe, expect, it } from 'vitest';
import { redact, redactValue, REDACTED } from '../../../shared/redact';

describe('redact', () => {
  it('removes known secrets by exact match, also URL-encoded', () => {
    const secret = 'p@ss/w0rd!';
    const text = `login with ${secret} failed; uri mongodb://admin:${encodeURIComponent(secret)}@db:27017/pcifm`;
    const out = redact(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).toContain('mongodb://admin:');
  });

  it('removes passwords in connection strings it was not told about', () => {
    expect(redact('mongodb+srv://user:hunter22@cluster0.example.net/db')).toBe(`mongodb+srv://user:${REDACTED}@cluster0.example.net/db`);
  });

  it('removes authorization headers, secret keys and presigned signatures', () => {
    const out = redact('Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=abc\nsecretAccessKey="wJalrXUtnFEMI/K7MDENG" url?X-Amz-Signature=deadbeef&a=1');
    expect(out).not.toMatch(/AWS4-HMAC|wJalrXUtnFEMI|deadbeef/);
  });

  it('leaves ordinary text alone and ignores too-short secrets', () => {
    expect(redact('Backup of 12 collections finished', ['ab'])).toBe('Backup of 12 collections finished');
  });

  it('redacts deep inside values', () => {
    expect(redactValue({ a: ['x sekrit-value y'], b: 3 }, ['sekrit-value'])).toEqual({ a: [`x ${REDACTED} y`], b: 3 });
  });
});
