// What lets schedules run while no window is open: the tray icon, desktop notifications (clicking one
// opens the run it is about), safeStorage for the notification secrets, and "start at login".
// Core reaches these through the ShellPorts it is given (DESIGN §2: core never imports electron).
import { app, Menu, nativeImage, Notification, safeStorage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { ShellPorts } from '../core/schedule/automation';
import { trayMenu, type TrayAction, type TrayItem } from './job-feedback';

/** Started at login: stay in the tray, no window. */
export const HIDDEN_ARG = '--hidden';

export function startedHidden(argv = process.argv): boolean {
  return argv.includes(HIDDEN_ARG);
}

export function shellPorts(open: (route: string | null) => void): ShellPorts {
  return {
    notifier: {
      kind: 'desktop',
      show(n) {
        if (!Notification.isSupported()) return;
        const note = new Notification({ title: n.title, body: n.body, urgency: n.critical ? 'critical' : 'normal' });
        note.on('click', () => open(n.route));
        note.show();
      },
    },
    secretCipher: {
      available: () => safeStorage.isEncryptionAvailable(),
      encrypt: (text) => safeStorage.encryptString(text).toString('base64'),
      decrypt: (text) => safeStorage.decryptString(Buffer.from(text, 'base64')),
    },
    setStartAtLogin(on) {
      // Windows and macOS only; on Linux desktop environments use their own autostart folders.
      app.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_ARG] });
    },
  };
}

/** A 32×32 blue disc: the tray needs a bitmap (SVG is not accepted); a designed icon belongs in build/. */
function trayImage(): NativeImage {
  const size = 32;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - 15.5, y - 15.5);
      const alpha = Math.max(0, Math.min(1, 14.5 - d));
      const i = (y * size + x) * 4;
      pixels.set([0xe6, 0x7a, 0x22, Math.round(alpha * 255)], i); // BGRA: #227ae6
    }
  }
  return nativeImage.createFromBitmap(pixels, { width: size, height: size }).resize({ width: 16, height: 16 });
}

export interface TrayPorts {
  open(route: string | null): void;
  quit(): void;
  backupNow(profile: string): void;
  /** What the menu shows; read again by refresh(). */
  state(): Parameters<typeof trayMenu>[0];
}

function toMenu(items: TrayItem[], run: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item) =>
    'separator' in item
      ? { type: 'separator' }
      : { label: item.label, enabled: item.enabled ?? true, click: item.action ? () => run(item.action!) : undefined, submenu: item.submenu ? toMenu(item.submenu, run) : undefined },
  );
}

/** The tray icon and its menu (open, last backup, back up now, schedules, quit); call refresh() after a job ends. */
export function createTray(ports: TrayPorts): { tray: Tray; refresh(): void } {
  const tray = new Tray(trayImage());
  tray.setToolTip('PCI Maintenance: schedules are running');
  const run = (a: TrayAction) => ('quit' in a ? ports.quit() : 'backup' in a ? ports.backupNow(a.backup) : ports.open(a.open));
  const refresh = () => tray.setContextMenu(Menu.buildFromTemplate(toMenu(trayMenu(ports.state()), run)));
  refresh();
  tray.on('click', () => ports.open(null));
  return { tray, refresh };
}
