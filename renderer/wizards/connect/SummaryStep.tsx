// The last step: a name for the connection and what will be saved (secrets shown as "saved securely" only).
import { Stack, Table, Text, TextInput } from '@mantine/core';
import { ProfileName } from '../../../shared/profile';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProfiles } from '../../stores/profiles';
import { destination, formSources, r2Settings, useConnect } from './state';

/** Save the connection; returns a message to stay on the step, or null when saved. */
export async function saveConnection(): Promise<string | null> {
  const { form, base, patch } = useConnect.getState();
  const name = form.name.trim();
  if (!ProfileName.safeParse(name).success) return 'Give the connection a name made of letters, digits, spaces, dots or dashes.';
  const r = form.records;
  const fileRecords =
    r.collection.trim() && r.keyField.trim()
      ? { collection: r.collection.trim(), keyField: r.keyField.trim(), ...(r.sizeField.trim() ? { sizeField: r.sizeField.trim() } : {}), ...(r.deletedField.trim() ? { deletedField: r.deletedField.trim() } : {}) }
      : null;
  patch({ saveError: null });
  try {
    const { createdAt: _c, updatedAt: _u, ...kept } = base ?? { createdAt: undefined, updatedAt: undefined };
    await api.profiles.save({
      profile: {
        ...kept,
        name,
        preset: form.preset,
        sources: formSources(form, base),
        fileRecords: form.preset === 'pci' ? fileRecords : null,
        destination: destination(form),
      },
      previousName: form.editing ?? undefined,
      secrets: {
        ...(form.mongoUri.trim() ? { mongoUri: form.mongoUri.trim() } : {}),
        ...(form.secretAccessKey.trim() ? { r2SecretAccessKey: form.secretAccessKey.trim() } : {}),
      },
    });
  } catch (err) {
    patch({ saveError: errorData(err) });
    return 'The connection could not be saved: see the message above.';
  }
  await useProfiles.getState().load();
  useProfiles.getState().select(name);
  return null;
}

export function SummaryStep() {
  const form = useConnect((s) => s.form);
  const set = useConnect((s) => s.set);
  const saveError = useConnect((s) => s.saveError);
  const store = useProfiles((s) => s.secretStore);
  const r2 = r2Settings(form);
  const dest = destination(form);
  const base = useConnect((s) => s.base);
  const pci: Array<[string, string]> = [
    ['MongoDB database', form.database],
    ['Files bucket', `${r2.bucket} (${'accountId' in r2 ? `Cloudflare account ${r2.accountId}` : r2.endpoint})`],
    ['File records', form.records.collection && form.records.keyField ? `${form.records.collection} → ${form.records.keyField}` : 'Not set (file checks are skipped)'],
  ];
  const files: Array<[string, string]> = formSources(form, base).flatMap((s): Array<[string, string]> =>
    s.kind === 'sqlite' ? [['SQLite database', s.path]] : s.kind === 'folder' ? [['Folder', s.path]] : s.kind === 'app-logs' ? [['Log files', `${s.paths.join(', ')} (old ones kept in ${s.archiveFolder})`]] : [],
  );
  const rows: Array<[string, string]> = [
    ...(form.preset === 'pci' ? pci : files),
    ['Backup location', dest.kind === 'folder' ? dest.path : `bucket ${dest.bucket}${dest.prefix ? ` / ${dest.prefix}` : ''}`],
    ['Passwords and keys', store?.kind === 'safeStorage' ? 'Saved encrypted by this computer’s keychain' : 'Saved in a file only your user account can read'],
  ];
  return (
    <Stack gap="md">
      <TextInput label="Name of this connection" description="Shown on the dashboard; useful when you look after more than one installation." value={form.name} onChange={(e) => set({ name: e.currentTarget.value })} required />
      <Table aria-label="What will be saved" withRowBorders>
        <Table.Tbody>
          {rows.map(([k, v], i) => (
            <Table.Tr key={i}>
              <Table.Th w={220}>{k}</Table.Th>
              <Table.Td>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {store?.warning ? <Text c="orange">{store.warning}</Text> : null}
      {saveError ? <ErrorAlert error={saveError} /> : null}
    </Stack>
  );
}
