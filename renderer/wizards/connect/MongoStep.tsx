// Step 1: the MongoDB connection string of PCI File Manager, and its database.
import { PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { api } from '../../api';
import { TestSection } from './TestButton';
import { testKey, useConnect } from './state';

export function mongoKey(): string {
  const f = useConnect.getState().form;
  return testKey(f.mongoUri, f.database, f.editing);
}

/** Test the MongoDB settings and remember the result (also used by "Next"). */
export async function runMongoTest() {
  const { form, patch, set } = useConnect.getState();
  const key = mongoKey();
  const report = await api.connections.testMongo({ uri: form.mongoUri.trim() || undefined, database: form.database.trim() || undefined, profile: form.editing ?? undefined });
  patch({ mongoTest: { key, report } });
  // Fill in the database the server knows when the connection string did not name one.
  if (!form.database && report.mongo?.database) set({ database: report.mongo.database });
  return report;
}

export function MongoStep() {
  const form = useConnect((s) => s.form);
  const set = useConnect((s) => s.set);
  const test = useConnect((s) => s.mongoTest);
  return (
    <Stack gap="md">
      <Text>PCI File Manager keeps its file records in MongoDB. Paste the connection string it uses; you find it in its configuration (often called MONGODB_URI).</Text>
      <PasswordInput
        label="MongoDB connection string"
        description="One line with the address of the database server, its user name and password. It looks like mongodb://user:password@server:27017/database"
        placeholder={form.editing ? 'Saved — leave empty to keep it' : 'mongodb://…'}
        value={form.mongoUri}
        onChange={(e) => set({ mongoUri: e.currentTarget.value })}
        autoComplete="off"
        spellCheck={false}
        required={!form.editing}
        data-autofocus
      />
      <TextInput
        label="Database"
        description="The name of PCI File Manager's database on that server. Leave empty to use the one named in the connection string."
        value={form.database}
        onChange={(e) => set({ database: e.currentTarget.value })}
        autoComplete="off"
        spellCheck={false}
      />
      <TestSection label="MongoDB" report={test?.report ?? null} run={runMongoTest} />
    </Stack>
  );
}
