// Step 2: the Cloudflare R2 bucket with the files (or another S3-compatible store), and its keys.
import { PasswordInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { api } from '../../api';
import { TestSection } from './TestButton';
import { r2Settings, testKey, useConnect } from './state';

export function r2Key(): string {
  const f = useConnect.getState().form;
  return testKey(r2Settings(f), f.secretAccessKey, f.editing);
}

export async function runR2Test() {
  const { form, patch } = useConnect.getState();
  const key = r2Key();
  const report = await api.connections.testR2({ r2: r2Settings(form), secretAccessKey: form.secretAccessKey.trim() || undefined, profile: form.editing ?? undefined });
  patch({ r2Test: { key, report } });
  return report;
}

export function R2Step() {
  const form = useConnect((s) => s.form);
  const set = useConnect((s) => s.set);
  const test = useConnect((s) => s.r2Test);
  return (
    <Stack gap="md">
      <Text>The files themselves are in a Cloudflare R2 bucket. Create an API token with access to it in the Cloudflare dashboard (R2 → Manage API tokens) and enter its keys here.</Text>
      <SegmentedControl
        aria-label="Where the files are stored"
        value={form.r2Kind}
        onChange={(v) => set({ r2Kind: v as 'r2' | 'custom' })}
        data={[
          { value: 'r2', label: 'Cloudflare R2' },
          { value: 'custom', label: 'Other S3-compatible storage' },
        ]}
        w="fit-content"
      />
      {form.r2Kind === 'r2' ? (
        <TextInput label="Account ID" description="Shown in the Cloudflare dashboard, on the R2 overview page." value={form.accountId} onChange={(e) => set({ accountId: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
      ) : (
        <TextInput label="Endpoint address" description="For example https://s3.example.com" value={form.endpoint} onChange={(e) => set({ endpoint: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
      )}
      <TextInput label="Bucket name" value={form.bucket} onChange={(e) => set({ bucket: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Access Key ID" value={form.accessKeyId} onChange={(e) => set({ accessKeyId: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
        <PasswordInput
          label="Secret Access Key"
          placeholder={form.editing ? 'Saved — leave empty to keep it' : undefined}
          value={form.secretAccessKey}
          onChange={(e) => set({ secretAccessKey: e.currentTarget.value })}
          autoComplete="off"
          required={!form.editing}
        />
      </SimpleGrid>
      <TestSection label="R2" report={test?.report ?? null} run={runR2Test} />
    </Stack>
  );
}
