// Step 1: which installation (when there is more than one) and what a backup holds: the database, the
// files in R2 and the configuration folders, with their sizes where they are known. Every backup
// holds all three (the engine backs up everything), so they are shown as included, not as toggles.
import { Group, List, Loader, Select, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCheck, IconMinus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatBytes, formatDateTime } from '../../../shared/format';
import type { UserErrorData } from '../../../shared/errors';
import { folderPaths, mongoSource, s3Source } from '../../../shared/profile';
import { TechnicalDetails } from '../../components/TechnicalDetails';
import { useApp } from '../../stores/app';
import { useJobs } from '../../stores/jobs';
import { useProfiles } from '../../stores/profiles';
import { useBackup } from './state';
import { n, plural } from './words';

function Part({ title, included, children, problem, testId }: { title: string; included: boolean; children: ReactNode; problem?: UserErrorData | null; testId: string }) {
  return (
    <Group align="flex-start" wrap="nowrap" gap="md" data-testid={testId}>
      <ThemeIcon color={included ? 'green' : 'gray'} variant={included ? 'filled' : 'light'} radius="xl" size={32}>
        {included ? <IconCheck size={20} aria-label="included" /> : <IconMinus size={20} aria-label="nothing to include" />}
      </ThemeIcon>
      <Stack gap={2} style={{ flex: 1 }}>
        <Text size="lg" fw={600}>
          {title}
        </Text>
        {children}
        {problem ? (
          <Text c="red">
            {problem.message} {problem.hint}
          </Text>
        ) : null}
      </Stack>
    </Group>
  );
}

export function WhatStep() {
  const profiles = useProfiles((s) => s.profiles) ?? [];
  const { profile, health, healthError, countJobId, choose } = useBackup();
  const counting = useJobs((s) => (countJobId ? s.jobs[countJobId] : undefined));
  const view = profiles.find((p) => p.profile.name === profile);
  const folders = view ? folderPaths(view.profile) : [];
  const dbSource = view ? mongoSource(view.profile) : undefined;
  const bucketSource = view ? s3Source(view.profile) : undefined;
  const pci = !view || view.profile.preset === 'pci';
  // The command line is for browser mode on a server, and for whoever helps: not for the desktop app's user.
  const commandLine = useApp((s) => s.info?.mode !== 'desktop');
  const mongo = health?.mongo;
  const r2 = health?.r2;
  return (
    <Stack gap="lg">
      {profiles.length > 1 ? (
        <Select
          label="PCI File Manager installation"
          description="Which connection to back up"
          data={profiles.map((p) => p.profile.name)}
          value={profile}
          onChange={(v) => v && v !== profile && void choose(v, profiles.find((p) => p.profile.name === v))}
          allowDeselect={false}
          maw={420}
        />
      ) : null}
      <Text>Every backup holds all the parts below, so each restore point is a complete copy you can go back to.</Text>
      {!health && !healthError ? (
        <Group gap="sm" role="status">
          <Loader size="sm" />
          <Text>Looking at the database and the bucket…</Text>
        </Group>
      ) : null}
      {healthError ? (
        <Text c="orange">
          The sizes cannot be shown right now ({healthError.message}). The backup can still run; it measures everything as it goes.
        </Text>
      ) : null}
      <Stack gap="md">
        {!view || dbSource ? (
          <Part title="Database (MongoDB)" included testId="part-database" problem={mongo?.error}>
            <Text>{mongo ? `“${mongo.database}”${mongo.error ? '' : ` · ${formatBytes(mongo.sizeBytes)} · ${plural(mongo.collections ?? 0, 'collection')} · ${plural(mongo.documents ?? 0, 'document')}`}` : dbSource ? `“${dbSource.database}”` : ''}</Text>
            <Text c="dimmed" size="sm">
              The file records, users and settings of PCI File Manager.
            </Text>
          </Part>
        ) : null}
        {!view || bucketSource ? (
          <Part title="Files in R2" included testId="part-files" problem={r2?.error}>
            <Text>
              {r2 ? `Bucket “${r2.bucket}”` : bucketSource ? `Bucket “${bucketSource.bucket}”` : ''}
              {r2?.countedAt ? ` · ${plural(r2.objects ?? 0, 'file')} · ${formatBytes(r2.totalBytes)}` : ''}
            </Text>
            <Text c="dimmed" size="sm">
              {r2?.countedAt ? `Counted ${formatDateTime(r2.countedAt)}. ` : counting ? `Counting the files… ${plural(counting.progress.done, 'file')} so far. ` : 'Not counted yet: the backup counts the files as it goes. '}
              Files that did not change since the last backup are not copied again.
            </Text>
          </Part>
        ) : null}
        <Part title={pci ? 'Configuration folders' : 'Folders'} included={folders.length > 0} testId="part-folders">
          {folders.length > 0 ? (
            <>
              <List size="sm" spacing={2}>
                {folders.map((f) => (
                  <List.Item key={f}>
                    <Text span ff="monospace" size="sm">
                      {f}
                    </Text>
                  </List.Item>
                ))}
              </List>
              <Text c="dimmed" size="sm">
                {folders.length === 1 ? 'One folder; its size is measured during the backup.' : `${n(folders.length)} folders; their size is measured during the backup.`}
              </Text>
            </>
          ) : (
            <Stack gap={0} align="flex-start">
              <Text c="dimmed">No configuration folders are set for this connection. These are folders with PCI File Manager's settings files, kept with the data so that a rollback can put them back too; whoever helps you with PCI File Manager can add them.</Text>
              {commandLine && profile ? <TechnicalDetails label="the command for the command line" text={`pci-maint profile set "${profile}" --folder /path/to/the/settings/folder`} /> : null}
            </Stack>
          )}
        </Part>
      </Stack>
    </Stack>
  );
}
