// The main window's settings, kept as a plain function so its security can be unit-tested without Electron.
import type { BrowserWindowConstructorOptions } from 'electron';

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'PCI Maintenance',
    show: false,
    backgroundColor: '#1f2937',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: true,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

/** Only our own renderer may call the API: the packaged file or, in development, the dev server. */
export function isTrustedRendererUrl(url: string | undefined, rendererIndex: string, devServerUrl?: string): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    if (devServerUrl) {
      const dev = new URL(devServerUrl);
      if (parsed.origin === dev.origin) return true;
    }
    if (parsed.protocol !== 'file:') return false;
    const expected = new URL(`file://${rendererIndex.startsWith('/') ? '' : '/'}${rendererIndex.replace(/\\/g, '/')}`);
    return decodeURIComponent(parsed.pathname) === decodeURIComponent(expected.pathname);
  } catch {
    return false;
  }
}
