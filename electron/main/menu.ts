// The app menu: the usual roles plus shortcuts to the main screens and the log folder.
import { Menu, shell, type MenuItemConstructorOptions } from 'electron';

/** `open(route)` shows the window at a route (the same path notifications and the tray use). */
export function buildMenu(open: (route: string) => void, logsDir: string): Menu {
  const go = (route: string) => () => open(route);
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [{ label: 'Open Log Folder', click: () => void shell.openPath(logsDir) }, { type: 'separator' }, process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'Go',
      submenu: [
        { label: 'Dashboard', accelerator: 'CmdOrCtrl+1', click: go('/') },
        { label: 'Backup', accelerator: 'CmdOrCtrl+2', click: go('/backup') },
        { label: 'History', accelerator: 'CmdOrCtrl+3', click: go('/history') },
      ],
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
