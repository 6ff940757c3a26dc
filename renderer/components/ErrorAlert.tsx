// A UserError shown the way people can act on it: what happened, then what to do.
import { Alert, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { UserErrorData } from '../../shared/errors';
import { formatDatesIn } from '../../shared/format';
import { TechnicalDetails } from './TechnicalDetails';

/** `color` orange: what a job that ran fine found (status "problems"), not a failure to run. */
export function ErrorAlert({ error, title, color = 'red' }: { error: UserErrorData; title?: string; color?: 'red' | 'orange' }) {
  return (
    <Alert color={color} variant="light" title={title ?? error.title} icon={<IconAlertTriangle />} role="alert" style={{ overflowWrap: 'anywhere' }}>
      <Text>{formatDatesIn(error.message)}</Text>
      <Text fw={600} mt="xs">
        {formatDatesIn(error.hint)}
      </Text>
      {error.details ? <TechnicalDetails text={error.details} /> : null}
    </Alert>
  );
}
