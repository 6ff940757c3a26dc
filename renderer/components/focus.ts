// Keyboard focus that follows what changed on screen: to the page heading after navigating, to a
// step's heading when a wizard moves on, to a result when it appears. Without it the focus stays
// on a link in the sidebar (or drops to the page body) and a keyboard or screen-reader user has to
// look for where the new content starts.
import { useEffect, useRef, type RefObject } from 'react';

/** Focus an element that is not a control (a heading, a result), without a scroll jump past it. */
export function focusElement(el: HTMLElement | null): boolean {
  if (!el) return false;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'nearest' });
  return document.activeElement === el;
}

/**
 * Focus the main heading of the page. Pages load their data first, so the heading may appear a few
 * frames later (or be replaced, "Loading…" → the page): keep trying for about a second.
 */
export function focusPageHeading(): () => void {
  let frames = 0;
  let handle = 0;
  const attempt = () => {
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading && focusElement(heading)) return;
    if (frames++ < 60) handle = requestAnimationFrame(attempt);
  };
  handle = requestAnimationFrame(attempt);
  return () => cancelAnimationFrame(handle);
}

/** Move the focus to `ref` whenever `key` changes after the first render (and `when` holds). */
export function useFocusOnChange(ref: RefObject<HTMLElement | null>, key: unknown, when = true): void {
  // The key seen last, not a "first render" flag: effects run twice on mount in development.
  const previous = useRef(key);
  useEffect(() => {
    if (Object.is(previous.current, key)) return;
    previous.current = key;
    if (when) focusElement(ref.current);
  }, [key, when, ref]);
}
