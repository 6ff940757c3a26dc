// The theme's colours meet WCAG AA (4.5:1) against the backgrounds they are painted on, for every
// palette colour and both schemes; Mantine's own defaults do not (the reason the theme exists).
import { describe, expect, it } from 'vitest';
import { DEFAULT_THEME } from '@mantine/core';
import { DIMMED, colourVariables, contrast, cssVariablesResolver, theme } from '../../../renderer/app/theme';

const AA = 4.5;
const { colors } = DEFAULT_THEME;
const LIGHT = ['#ffffff', colors.gray[0], colors.gray[1]];
const DARK = [colors.dark[7], colors.dark[6], colors.dark[5]];

describe('theme contrast', () => {
  it('measures contrast as WCAG defines it', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    // Mantine's defaults, as the issue measured them.
    expect(contrast(colors.gray[6], '#ffffff')).toBeCloseTo(3.32, 2);
    expect(contrast('#ffffff', colors.green[6])).toBeLessThan(2.5);
    expect(contrast('#ffffff', colors.blue[6])).toBeLessThan(3.6);
  });

  it.each(Object.keys(colors).filter((c) => c !== 'dark'))('%s: filled, text and light variants reach AA in both schemes', (name) => {
    const shades = colors[name];
    const { light, dark } = colourVariables(name, shades);
    const v = (k: string) => `--mantine-color-${name}-${k}`;
    for (const vars of [light, dark]) {
      expect(contrast('#ffffff', vars[v('filled')])).toBeGreaterThanOrEqual(AA);
      expect(contrast('#ffffff', vars[v('filled-hover')])).toBeGreaterThanOrEqual(AA);
    }
    for (const bg of [...LIGHT, shades[0], shades[1]]) expect(contrast(light[v('text')], bg)).toBeGreaterThanOrEqual(AA);
    for (const bg of [shades[1], shades[2]]) expect(contrast(light[v('light-color')], bg)).toBeGreaterThanOrEqual(AA);
    for (const bg of DARK) expect(contrast(dark[v('text')], bg)).toBeGreaterThanOrEqual(AA);
  });

  it('helper text and the primary colour are replaced in both schemes', () => {
    for (const bg of LIGHT) expect(contrast(DIMMED.light, bg)).toBeGreaterThanOrEqual(AA);
    for (const bg of DARK) expect(contrast(DIMMED.dark, bg)).toBeGreaterThanOrEqual(AA);
    const { light, dark } = cssVariablesResolver({ ...DEFAULT_THEME, ...theme, colors: DEFAULT_THEME.colors } as Parameters<typeof cssVariablesResolver>[0]);
    expect(light['--mantine-color-dimmed']).toBe(DIMMED.light);
    expect(dark['--mantine-color-dimmed']).toBe(DIMMED.dark);
    expect(contrast('#ffffff', light['--mantine-primary-color-filled'])).toBeGreaterThanOrEqual(AA);
    expect(contrast(light['--mantine-color-anchor'], '#ffffff')).toBeGreaterThanOrEqual(AA);
  });
});
