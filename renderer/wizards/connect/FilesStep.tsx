// SQLite app and custom connections: the database file, the content folders and the app's log files
// (rotated every night into a folder of old logs). Paths are on the computer that runs the backups.
import { Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useConnect, type ConnectForm } from './state';

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** What is missing or does not fit, in plain words; null when the step can be left. */
export function filesProblem(f: ConnectForm): string | null {
  if (f.preset === 'sqlite' && !f.sqlitePath.trim()) return 'Enter the SQLite database file of the app.';
  if (!f.sqlitePath.trim() && lines(f.folders).length === 0 && lines(f.logs).length === 0) return 'Enter at least one thing to back up: a database file, a folder or a log file.';
  if (lines(f.logs).length > 0 && !f.logArchive.trim()) return 'Enter the folder for old log files.';
  return null;
}

export function FilesStep() {
  const form = useConnect((s) => s.form);
  const set = useConnect((s) => s.set);
  const sqlite = form.preset === 'sqlite';
  return (
    <Stack gap="md">
      <Text>{sqlite ? 'Where the app keeps its data. Copy the paths from its settings or ask whoever set it up.' : 'What to back up. Leave empty what you do not need.'}</Text>
      <TextInput
        label="SQLite database file"
        description="The app's database, e.g. /srv/site/data/site.db. It is copied safely while the app runs."
        value={form.sqlitePath}
        onChange={(e) => set({ sqlitePath: e.currentTarget.value })}
        required={sqlite}
        spellCheck={false}
        data-autofocus
      />
      <Textarea
        label="Content folders"
        description="Folders with uploaded pictures, pages or settings; one per line."
        value={form.folders}
        onChange={(e) => set({ folders: e.currentTarget.value })}
        autosize
        minRows={2}
        spellCheck={false}
      />
      <Textarea
        label="Log files"
        description="The app's own log files, one per line: every night they are copied, compressed and emptied, so they never fill the disk."
        value={form.logs}
        onChange={(e) => set({ logs: e.currentTarget.value })}
        autosize
        minRows={2}
        spellCheck={false}
      />
      <TextInput
        label="Folder for old log files"
        description="Where the compressed old logs are kept (7 days)."
        value={form.logArchive}
        onChange={(e) => set({ logArchive: e.currentTarget.value })}
        required={lines(form.logs).length > 0}
        spellCheck={false}
      />
    </Stack>
  );
}
