import { describe, expect, it } from 'vitest';
import { resolveHome } from '../../../electron/core/paths';

describe('resolveHome', () => {
  it('prefers --home, then PCI_MAINT_HOME', () => {
    expect(resolveHome({ flag: '/data/a', env: { PCI_MAINT_HOME: '/data/b' } })).toBe('/data/a');
    expect(resolveHome({ env: { PCI_MAINT_HOME: '/data/b' } })).toBe('/data/b');
  });

  it('uses the OS app-data folder named like the app (as Electron does)', () => {
    expect(resolveHome({ env: {}, platform: 'linux', homedir: '/home/ann' })).toBe('/home/ann/.config/PCI Maintenance');
    expect(resolveHome({ env: { XDG_CONFIG_HOME: '/cfg' }, platform: 'linux', homedir: '/home/ann' })).toBe('/cfg/PCI Maintenance');
    expect(resolveHome({ env: {}, platform: 'darwin', homedir: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/PCI Maintenance');
    expect(resolveHome({ env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, platform: 'win32', homedir: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\PCI Maintenance');
  });
});
