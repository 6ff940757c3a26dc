// A UserError shown the way people can act on it: what happened, then what to do.
import { Alert, Code, Collapse, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { UserErrorData } from '../../shared/errors';

/** `color` orange: what a job that ran fine found (status "problems"), not a failure to run. */
export function ErrorAlert({ error, title, color = 'red' }: { error: UserErrorData; title?: string; color?: 'red' | 'orange' }) {
  const [open, setOpen] = useState(false);
  return (
    <Alert color={color} variant="light" title={title ?? error.title} icon={<IconAlertTriangle />} role="alert">
      <Text>{error.message}</Text>
      <Text fw={600} mt="xs">
        {error.hint}
      </Text>
      {error.details ? (
        <>
          <UnstyledButton mt="xs" onClick={() => setOpen((o) => !o)} aria-expanded={open} fz="sm" c="dimmed">
            {open ? 'Hide technical details' : 'Show technical details'}
          </UnstyledButton>
          <Collapse expanded={open}>
            <Code block mt="xs">
              {error.details}
            </Code>
          </Collapse>
        </>
      ) : null}
    </Alert>
  );
}
