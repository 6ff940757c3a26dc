// Step 3 of the support bundle: the files it holds as a tree with sizes (untick to leave out), what
// was removed, what could not be collected — then save it: a download in the browser, the system's
// save dialog in the desktop app.
import { Alert, Button, Checkbox, Group, List, Stack, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import type { BundleFile, BundleItem } from '../../../shared/contract';
import { summaryOf } from '../../../shared/api/job-summaries';
import type { UserErrorData } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import type { Job } from '../../../shared/jobs';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useApp } from '../../stores/app';
import { useSupport } from './state';

/** Top-level files first, then one group per folder. */
function groups(items: BundleItem[]): Array<{ folder: string | null; items: BundleItem[] }> {
  const out = new Map<string | null, BundleItem[]>();
  for (const item of items) {
    const folder = item.path.includes('/') ? item.path.slice(0, item.path.indexOf('/')) : null;
    out.set(folder, [...(out.get(folder) ?? []), item]);
  }
  return [...out].map(([folder, list]) => ({ folder, items: list }));
}

function ItemBox({ item }: { item: BundleItem }) {
  const { excluded, toggle } = useSupport();
  return (
    <Checkbox
      label={item.path}
      description={`${item.label}${item.required ? ' (always included)' : ` · ${formatBytes(item.bytes)}`}`}
      checked={item.required || !excluded.includes(item.path)}
      disabled={item.required}
      onChange={(e) => toggle([item.path], e.currentTarget.checked)}
    />
  );
}

function Tree({ items }: { items: BundleItem[] }) {
  const { excluded, toggle } = useSupport();
  return (
    <Stack gap="sm" role="group" aria-label="Files in the bundle" data-testid="bundle-tree">
      {groups(items).map((g) =>
        g.folder === null ? (
          g.items.map((i) => <ItemBox key={i.path} item={i} />)
        ) : (
          <Stack key={g.folder} gap={6}>
            <Checkbox
              label={`${g.folder}/`}
              description={`${g.items.length} ${g.items.length === 1 ? 'file' : 'files'} · ${formatBytes(g.items.reduce((n, i) => n + i.bytes, 0))}`}
              checked={g.items.every((i) => !excluded.includes(i.path))}
              indeterminate={g.items.some((i) => excluded.includes(i.path)) && g.items.some((i) => !excluded.includes(i.path))}
              onChange={(e) => toggle(g.items.map((i) => i.path), e.currentTarget.checked)}
            />
            <Stack gap={6} pl="xl">
              {g.items.map((i) => (
                <ItemBox key={i.path} item={i} />
              ))}
            </Stack>
          </Stack>
        ),
      )}
    </Stack>
  );
}

export function PreviewStep({ job }: { job: Job | null }) {
  const excluded = useSupport((s) => s.excluded);
  const desktop = useApp((s) => s.info?.mode === 'desktop');
  const [saved, setSaved] = useState<{ file: BundleFile; path: string | null } | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  if (!job) return null;
  if (job.status === 'canceled') return <Text size="lg">Cancelled: nothing was collected. Go back to start again.</Text>;
  if (job.status !== 'succeeded' || !job.summary) return job.error ? <ErrorAlert error={job.error} title="The bundle could not be prepared" /> : null;
  const found = summaryOf(job, 'bundle');
  if (!found) return null;
  const preview = found;
  const kept = preview.items.filter((i) => i.required || !excluded.includes(i.path));
  const r = preview.redaction;

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const file = await api.bundle.build({ id: preview.id, exclude: excluded });
      if (desktop) {
        const result = await api.bundle.saveAs({ id: preview.id });
        if (result.available && !result.path) return; // the person closed the dialog
        setSaved({ file, path: result.path });
      } else {
        const a = document.createElement('a');
        a.href = file.downloadUrl;
        a.download = file.fileName;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setSaved({ file, path: null });
      }
    } catch (err) {
      setError(errorData(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="md">
      <Text size="lg">
        The bundle holds {kept.length} files, about {formatBytes(kept.reduce((n, i) => n + i.bytes, 0))} before compression. Untick what you do not want to send.
      </Text>
      <Alert color="blue" title="What was removed" role="status">
        {r.secrets + r.patterns} {r.secrets + r.patterns === 1 ? 'secret (a password, key or token) was' : 'secrets (passwords, keys, tokens) were'} replaced with [REDACTED].{' '}
        {r.namesIncluded ? 'File names are included, as you chose.' : r.names ? `${r.names} file ${r.names === 1 ? 'name was' : 'names were'} replaced with [file name removed].` : 'No file names were found in it.'}
      </Alert>
      <Tree items={preview.items} />
      {preview.warnings.length > 0 ? (
        <Alert color="orange" title="Could not be collected (listed in warnings.txt)">
          <List>
            {preview.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      {error ? <ErrorAlert error={error} /> : null}
      {saved ? (
        <Alert color="green" title="Support bundle saved" role="status">
          {saved.path ? `Saved as ${saved.path}` : `Downloaded as ${saved.file.fileName}`} ({formatBytes(saved.file.bytes)}, {saved.file.files} files). Send it to whoever helps you.
        </Alert>
      ) : null}
      <Group>
        <Button size="md" leftSection={<IconDownload size={18} />} onClick={() => void save()} loading={busy}>
          {desktop ? 'Save the bundle…' : 'Download the bundle'}
        </Button>
      </Group>
    </Stack>
  );
}
