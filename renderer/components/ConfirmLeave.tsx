// "Leave this wizard?": asked when Cancel would drop what was entered in the steps so far, so one
// stray click does not throw away four steps of choices.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';

export interface ConfirmLeaveProps {
  opened: boolean;
  onStay: () => void;
  onLeave: () => void;
  /** What is lost, in the wizard's words. */
  lost?: string;
}

export function ConfirmLeave({ opened, onStay, onLeave, lost = 'What you entered in the steps so far is not kept.' }: ConfirmLeaveProps) {
  return (
    <Modal opened={opened} onClose={onStay} title="Leave this wizard?">
      <Stack>
        <Text>{lost} Nothing has been changed yet.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onStay} data-autofocus>
            Stay here
          </Button>
          <Button color="red" onClick={onLeave}>
            Leave and discard
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
