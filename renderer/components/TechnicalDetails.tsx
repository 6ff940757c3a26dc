// "Show technical details": text for whoever helps, folded away. Long lines (paths, keys, stack-free
// error text) wrap, and a long text scrolls inside its own box, so it never widens the page.
import { Code, Collapse, UnstyledButton } from '@mantine/core';
import { useState, type CSSProperties } from 'react';

/** A block of technical text that wraps and scrolls within the page's width. */
export const DETAILS_BLOCK_STYLE: CSSProperties = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', maxWidth: '100%', maxHeight: '20rem', overflow: 'auto' };

export function TechnicalDetails({ text, label = 'technical details' }: { text: string; label?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <UnstyledButton mt="xs" onClick={() => setOpen((o) => !o)} aria-expanded={open} fz="sm" c="dimmed" td="underline">
        {open ? `Hide ${label}` : `Show ${label}`}
      </UnstyledButton>
      <Collapse expanded={open}>
        <Code block mt="xs" style={DETAILS_BLOCK_STYLE} tabIndex={0} aria-label={label}>
          {text}
        </Code>
      </Collapse>
    </>
  );
}
