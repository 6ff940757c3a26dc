// Step 2: the Cloudflare R2 bucket with the files (or another S3-compatible store), and its keys.
import { Checkbox, PasswordInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
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
        <TextInput label="Account ID" description="The number of your Cloudflare account (32 letters and digits), shown on the R2 overview page of the Cloudflare dashboard." value={form.accountId} onChange={(e) => set({ accountId: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
      ) : (
        <>
          <TextInput label="Endpoint address" description="The web address of the storage service, from its documentation or its settings page (often called the S3 endpoint). For example https://s3.example.com" value={form.endpoint} onChange={(e) => set({ endpoint: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Region" description="Where the service keeps the data, if it asks for one (e.g. eu-west-1). Leave auto when it does not." value={form.region} onChange={(e) => set({ region: e.currentTarget.value })} autoComplete="off" spellCheck={false} />
            <Checkbox
              mt="lg"
              label="Path-style addresses"
              description="Reach the bucket as server/bucket instead of bucket.server. Needed by most self-hosted services (MinIO, Ceph, Garage) and the demo."
              checked={form.forcePathStyle}
              onChange={(e) => set({ forcePathStyle: e.currentTarget.checked })}
            />
          </SimpleGrid>
        </>
      )}
      <TextInput label="Bucket name" description="The storage area that holds PCI File Manager's files." value={form.bucket} onChange={(e) => set({ bucket: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Access Key ID" description="Like a user name for the bucket: you get it when you create the API token." value={form.accessKeyId} onChange={(e) => set({ accessKeyId: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
        <PasswordInput
          label="Secret Access Key"
          description="Like a password for the bucket: shown once, when the API token is created."
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
