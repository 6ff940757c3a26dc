// PCI File Manager's own settings for the checklist (both optional): the address that answers when it
// runs, and the file that holds its version. Saved in the connection.
import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { UserErrorData } from '../../../shared/errors';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProfiles } from '../../stores/profiles';

export function AppSettingsForm({ profile, onSaved }: { profile: string; onSaved?: () => void }) {
  const app = useProfiles((s) => s.profiles?.find((p) => p.profile.name === profile)?.profile.app);
  const [healthUrl, setHealthUrl] = useState(app?.healthUrl ?? '');
  const [versionFile, setVersionFile] = useState(app?.versionFile ?? '');
  const [error, setError] = useState<UserErrorData | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function save() {
    setError(null);
    setSaved(false);
    const url = healthUrl.trim();
    if (url && !/^https?:\/\/\S+$/i.test(url)) {
      setError({ code: 'INVALID_INPUT', title: 'Not an address', message: `“${url}” is not a web address.`, hint: 'It starts with http:// or https://, e.g. http://localhost:3000/api/health.' });
      return;
    }
    setBusy(true);
    try {
      await api.checklist.setAppSettings({ profile, healthUrl: url || null, versionFile: versionFile.trim() || null });
      await useProfiles.getState().load();
      setSaved(true);
      onSaved?.();
    } catch (err) {
      setError(errorData(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm" onInput={() => setSaved(false)}>
      <TextInput
        label="Health address of PCI File Manager"
        description="A web page of PCI File Manager that says it is running, so the checklist can see it works again after the update (e.g. http://localhost:3000/api/health). Ask whoever installed it, or leave empty."
        value={healthUrl}
        onChange={(e) => setHealthUrl(e.currentTarget.value)}
      />
      <TextInput
        label="Version file of PCI File Manager"
        description="The file on this computer where PCI File Manager keeps its version number (its package.json, or a text file with the version on its first line), so the checklist reads the version by itself. Leave empty to type the version yourself."
        value={versionFile}
        onChange={(e) => setVersionFile(e.currentTarget.value)}
      />
      <Group>
        <Button variant="default" onClick={() => void save()} loading={busy}>
          Save these settings
        </Button>
      </Group>
      {saved ? (
        <Alert color="green" role="status">
          Saved. Run the checks again to use them.
        </Alert>
      ) : null}
      {error ? <ErrorAlert error={error} /> : null}
    </Stack>
  );
}
