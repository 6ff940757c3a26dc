// "Test connection" for one wizard step: runs the test, shows each check inline with its hint.
import { Button, Stack } from '@mantine/core';
import { useState } from 'react';
import type { CheckReport } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { errorData } from '../../api';
import { CheckResults } from '../../components/CheckResults';
import { ErrorAlert } from '../../components/ErrorAlert';

export function TestSection({ label, report, run }: { label: string; report: CheckReport | null; run: () => Promise<unknown> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserErrorData | null>(null);
  return (
    <Stack gap="sm">
      <Button
        variant="outline"
        w="fit-content"
        loading={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          run()
            .catch((err: unknown) => setError(errorData(err)))
            .finally(() => setBusy(false));
        }}
      >
        Test connection
      </Button>
      {error ? <ErrorAlert error={error} /> : null}
      {report ? <CheckResults checks={report.checks} label={`${label} test results`} /> : null}
    </Stack>
  );
}
