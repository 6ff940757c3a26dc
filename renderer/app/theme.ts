// The Mantine theme, made to meet WCAG AA contrast (4.5:1 for normal text) in both colour schemes.
// Mantine's defaults do not: grey helper text is 3.3:1 on white, white on a green badge 2.4:1, the
// blue button 3.6:1, green text on a light-green alert 3.8:1. Instead of hand-picking shades per
// component, every colour's filled, text and light-variant values are derived here: the palette
// shade Mantine would use, darkened just enough to reach the target against the background it sits on.
import { DEFAULT_THEME, Drawer, Modal, createTheme, darken, luminance, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

/** A little above 4.5:1, so rounding in the browser's colour maths never drops below it. */
export const TARGET_CONTRAST = 4.6;

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** `color` darkened in small steps until it reaches the target contrast against every background. */
export function darkenUntil(color: string, backgrounds: string[]): string {
  let out = color;
  for (let amount = 0.04; backgrounds.some((bg) => contrast(out, bg) < TARGET_CONTRAST) && amount < 1; amount += 0.04) out = darken(color, amount);
  return out;
}

/** The first shade from `from` on that carries white text at the target, else the darkest shade darkened. */
function filledShade(shades: MantineColorsTuple, from: number): string {
  for (let i = from; i < shades.length; i++) if (contrast(shades[i], '#ffffff') >= TARGET_CONTRAST) return shades[i];
  return darkenUntil(shades[9], ['#ffffff']);
}

const WHITE = '#ffffff';
const LIGHT_SURFACES = [WHITE, DEFAULT_THEME.colors.gray[0], DEFAULT_THEME.colors.gray[1]];
const DARK = DEFAULT_THEME.colors.dark;
/** Page, card and hovered-row backgrounds of the dark scheme (dark 7, 6 and 5). */
const DARK_SURFACES = [DARK[7], DARK[6], DARK[5]];

/** Lighten in the dark scheme: the palette's lighter shades until the text reads on every dark surface. */
function lightShade(shades: MantineColorsTuple, from: number): string {
  for (let i = from; i >= 0; i--) if (DARK_SURFACES.every((bg) => contrast(shades[i], bg) >= TARGET_CONTRAST)) return shades[i];
  return shades[0];
}

export type SchemeVariables = Record<string, string>;

/** The CSS variables that replace Mantine's for one colour in each scheme. */
export function colourVariables(name: string, shades: MantineColorsTuple): { light: SchemeVariables; dark: SchemeVariables } {
  const lightFilled = filledShade(shades, 6);
  const darkFilled = filledShade(shades, 8);
  // Light-variant text sits on shade 1 and, hovered, on shade 2.
  const lightText = darkenUntil(shades[9], [shades[1], shades[2]]);
  const v = (k: string) => `--mantine-color-${name}-${k}`;
  return {
    light: {
      [v('filled')]: lightFilled,
      [v('filled-hover')]: darken(lightFilled, 0.12),
      [v('text')]: darkenUntil(shades[7], [...LIGHT_SURFACES, shades[0], shades[1]]),
      [v('light-color')]: lightText,
      [v('outline')]: darkenUntil(shades[7], LIGHT_SURFACES),
    },
    dark: {
      [v('filled')]: darkFilled,
      [v('filled-hover')]: darken(darkFilled, 0.12),
      [v('text')]: lightShade(shades, 4),
      [v('outline')]: lightShade(shades, 4),
    },
  };
}

/** Helper ("dimmed") text: gray 6 and dark 2 are below AA; these meet it on every surface. */
export const DIMMED = {
  light: darkenUntil(DEFAULT_THEME.colors.gray[6], [...LIGHT_SURFACES, DEFAULT_THEME.colors.blue[0], DEFAULT_THEME.colors.blue[1]]),
  dark: DEFAULT_THEME.colors.dark[1],
};

export const cssVariablesResolver: CSSVariablesResolver = (theme) => {
  const light: SchemeVariables = { '--mantine-color-dimmed': DIMMED.light };
  const dark: SchemeVariables = { '--mantine-color-dimmed': DIMMED.dark };
  for (const [name, shades] of Object.entries(theme.colors)) {
    if (name === 'dark') continue;
    const vars = colourVariables(name, shades);
    Object.assign(light, vars.light);
    Object.assign(dark, vars.dark);
  }
  const primary = colourVariables(theme.primaryColor, theme.colors[theme.primaryColor]);
  for (const key of ['filled', 'filled-hover', 'light-color', 'text']) {
    if (primary.light[`--mantine-color-${theme.primaryColor}-${key}`]) light[`--mantine-primary-color-${key}`] = primary.light[`--mantine-color-${theme.primaryColor}-${key}`];
    if (primary.dark[`--mantine-color-${theme.primaryColor}-${key}`]) dark[`--mantine-primary-color-${key}`] = primary.dark[`--mantine-color-${theme.primaryColor}-${key}`];
  }
  light['--mantine-color-anchor'] = primary.light[`--mantine-color-${theme.primaryColor}-text`];
  return { variables: {}, light, dark };
};

export const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'md',
  fontSizes: { md: '1rem' },
  components: {
    // Their ✕ buttons have no text: name them, so a screen reader says what they do.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});
