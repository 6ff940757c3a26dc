// Step 3: protection. A new backup location can get a passphrase now (optional, typed twice, with a
// strength hint and the warning that a lost one cannot be recovered); a protected location asks for
// its passphrase instead; one set up without a passphrase says plainly that this is chosen once.
import { Alert, Checkbox, Group, PasswordInput, Progress, Stack, Text } from '@mantine/core';
import { IconLock, IconLockOpen } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { api, errorData } from '../../api';
import { useProfiles } from '../../stores/profiles';
import { useBackup } from './state';
import { MIN_PASSPHRASE, passphraseStrength } from './words';
import { PROBLEMS_TEXT } from '../../components/StatusBadge';

/** Checks the step; for a protected location also that the typed passphrase opens it. */
export async function protectProblem(): Promise<string | null> {
  const s = useBackup.getState();
  const kind = s.location?.protection;
  if (kind === 'new' && s.protect) {
    if (s.passphrase.length < MIN_PASSPHRASE) return `Choose a passphrase of at least ${MIN_PASSPHRASE} characters, or untick “Protect the backups with a passphrase”.`;
    if (s.confirm !== s.passphrase) return 'The two passphrases are not the same. Type it again in both boxes.';
  }
  if (kind === 'locked') {
    if (!s.passphrase) return 'Enter the passphrase of this backup location.';
    try {
      const list = await api.snapshots.list({ profile: s.profile!, passphrase: s.passphrase });
      useBackup.setState({ location: { protection: 'locked', list }, unlocked: true });
    } catch (err) {
      const e = errorData(err);
      return e.code === 'WRONG_PASSPHRASE' ? 'That passphrase does not open this backup location. Check it and try again; it cannot be recovered if it is lost.' : `${e.message} ${e.hint}`;
    }
  }
  return null;
}

function RememberBox() {
  const { remember, set } = useBackup();
  const store = useProfiles((s) => s.secretStore);
  const where = store?.kind === 'safeStorage' ? 'encrypted by this computer’s keychain' : 'in a file only your user account can read';
  return (
    <Stack gap={4}>
      <Checkbox
        label="Remember the passphrase on this computer"
        description={`Saved ${where}, so scheduled backups and checks can run without you. Leave this off if others use this computer.`}
        checked={remember}
        onChange={(e) => set({ remember: e.currentTarget.checked })}
      />
      {!remember ? (
        <Text size="sm" c={PROBLEMS_TEXT} data-testid="remember-off-note">
          Without it, the scheduled backups and verifications of this connection cannot run: they have nobody to type the passphrase. The dashboard reminds you.
        </Text>
      ) : null}
    </Stack>
  );
}

function LostWarning() {
  return (
    <Alert color="orange" title="A lost passphrase cannot be recovered" role="note">
      Without it, nobody can open these backups — not you, not PCI Maintenance, not a support person. Write it down and keep it somewhere safe, away from this computer.
    </Alert>
  );
}

function NewPassphrase() {
  const { protect, passphrase, confirm, set } = useBackup();
  const strength = passphraseStrength(passphrase);
  return (
    <Stack gap="md">
      <Text>This is the first backup in this location. You can protect the backups with a passphrase: then nobody who gets hold of the backup drive or bucket can read them.</Text>
      <Checkbox
        size="md"
        label="Protect the backups with a passphrase"
        description="Recommended when the backups leave the building (a USB drive, a bucket). This is chosen once, for this backup location."
        checked={protect}
        onChange={(e) => set({ protect: e.currentTarget.checked, ...(e.currentTarget.checked ? {} : { passphrase: '', confirm: '', remember: false }) })}
      />
      {protect ? (
        <Stack gap="sm" maw={520}>
          <PasswordInput label="Passphrase" value={passphrase} onChange={(e) => set({ passphrase: e.currentTarget.value })} autoComplete="new-password" />
          <Stack gap={4}>
            <Group justify="space-between">
              <Text size="sm">
                Strength: <b data-testid="strength">{strength.label}</b>
              </Text>
            </Group>
            <Progress value={strength.score} color={strength.color} size="sm" aria-label="Passphrase strength" />
            <Text size="sm" c="dimmed">
              {strength.hint}
            </Text>
          </Stack>
          <PasswordInput
            label="Type the passphrase again"
            value={confirm}
            onChange={(e) => set({ confirm: e.currentTarget.value })}
            autoComplete="new-password"
            error={confirm && confirm !== passphrase && confirm.length >= passphrase.length ? 'Not the same as above.' : undefined}
          />
          <LostWarning />
          <RememberBox />
        </Stack>
      ) : (
        <Text c="dimmed">The backups will be stored without a passphrase. Anyone who can open the backup location can read them.</Text>
      )}
    </Stack>
  );
}

function Status({ locked, title, children }: { locked: boolean; title: string; children: ReactNode }) {
  return (
    <Alert color={locked ? 'green' : 'gray'} icon={locked ? <IconLock /> : <IconLockOpen />} title={title}>
      {children}
    </Alert>
  );
}

export function ProtectStep() {
  const { location, passphrase, unlocked, set } = useBackup();
  switch (location?.protection) {
    case 'new':
      return <NewPassphrase />;
    case 'new-saved':
      return (
        <Status locked title="Protected with the saved passphrase">
          This connection has a saved backup passphrase: the new backup location is protected with it. Keep a copy of it somewhere safe; a lost passphrase cannot be recovered.
        </Status>
      );
    case 'plain':
      return (
        <Status locked={false} title="This backup location has no passphrase">
          It was set up without one, and that is chosen once, when a location is set up. To protect your backups, choose a new, empty backup location for this connection; the first backup there can get a passphrase.
        </Status>
      );
    case 'unlocked':
      return (
        <Status locked title="Protected by a passphrase">
          The saved passphrase opens this backup location, so there is nothing to type.
        </Status>
      );
    case 'locked':
      return (
        <Stack gap="md" maw={520}>
          <Text>This backup location is protected by a passphrase. Enter it to add the new backup; it is used for this backup only unless you ask to remember it.</Text>
          <PasswordInput label="Passphrase of this backup location" value={passphrase} onChange={(e) => set({ passphrase: e.currentTarget.value, unlocked: false })} autoComplete="current-password" />
          {unlocked ? (
            <Text c="green" fw={600}>
              The passphrase is right.
            </Text>
          ) : null}
          <RememberBox />
        </Stack>
      );
    default:
      return <Text>Checking the backup location…</Text>;
  }
}
