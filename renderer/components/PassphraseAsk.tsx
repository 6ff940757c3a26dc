// The backup passphrase asked for in place, wherever a flow needs it (checklist, dashboard, schedules):
// one field, the offer to remember it on this computer (checked against the backups first, so a wrong
// one is never saved), and a button that hands it to the flow.
import { Alert, Button, Checkbox, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import type { UserErrorData } from '../../shared/errors';
import { api, errorData } from '../api';
import { useProfiles } from '../stores/profiles';
import { ErrorAlert } from './ErrorAlert';

interface AskProps {
  profile: string;
  /** What the field is for, in one sentence. */
  intro: string;
  submitLabel: string;
  /** The passphrase given before did not open the backups. */
  wrong?: boolean;
  /** Remembering is the point (the dashboard's "Remember the passphrase"): no checkbox, always saved. */
  alwaysRemember?: boolean;
  onPassphrase: (passphrase: string) => void;
}

export function rememberWhere(kind: string | undefined): string {
  return kind === 'safeStorage' ? 'encrypted by this computer’s keychain' : 'in a file only your user account can read';
}

export function PassphraseAsk({ profile, intro, submitLabel, wrong, alwaysRemember, onPassphrase }: AskProps) {
  const [typed, setTyped] = useState('');
  const [remember, setRemember] = useState(Boolean(alwaysRemember));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserErrorData | null>(null);
  const store = useProfiles((s) => s.secretStore);

  async function submit() {
    if (!typed) return;
    setError(null);
    if (remember) {
      setBusy(true);
      try {
        await api.profiles.rememberPassphrase({ name: profile, passphrase: typed });
        void useProfiles.getState().load();
      } catch (err) {
        setError(errorData(err));
        return;
      } finally {
        setBusy(false);
      }
    }
    onPassphrase(typed);
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap="sm" maw={520}>
        <Text>{wrong ? `That passphrase does not open the backups. ${intro}` : intro}</Text>
        <PasswordInput label="Backup passphrase" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} autoComplete="off" data-autofocus />
        {alwaysRemember ? (
          <Text size="sm">It is saved {rememberWhere(store?.kind)}, so scheduled backups and checks can run without you.</Text>
        ) : (
          <Checkbox
            label="Remember the passphrase on this computer"
            description={`Saved ${rememberWhere(store?.kind)}, so scheduled backups and checks can run without you. Leave this off if others use this computer.`}
            checked={remember}
            onChange={(e) => setRemember(e.currentTarget.checked)}
          />
        )}
        {error ? <ErrorAlert error={error} title={error.code === 'WRONG_PASSPHRASE' ? 'That passphrase is not right' : undefined} /> : null}
        <Button type="submit" w="fit-content" leftSection={<IconKey size={18} />} disabled={!typed} loading={busy}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}

/** "Remember the passphrase…": a dialog with the field; `onDone` after it was checked and saved. */
export function RememberPassphraseButton({ profile, onDone, size = 'compact-sm' }: { profile: string; onDone: () => void; size?: 'compact-sm' | 'sm' }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="light" size={size} onClick={() => setOpen(true)}>
        Remember the passphrase…
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Remember the backup passphrase">
        <Stack gap="sm">
          <Alert color="blue" variant="light" role="note">
            Scheduled backups and verifications run when nobody is there to type the passphrase. Remembered here, they can open the backups.
          </Alert>
          <PassphraseAsk
            profile={profile}
            alwaysRemember
            intro="Type the passphrase that protects the backups of this connection."
            submitLabel="Remember the passphrase"
            onPassphrase={() => {
              setOpen(false);
              onDone();
            }}
          />
        </Stack>
      </Modal>
    </>
  );
}
