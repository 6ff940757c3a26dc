// The desktop Dialogs port: Electron's native folder picker, attached to the app window.
import { dialog, type BrowserWindow } from 'electron';
import type { DialogsPort } from '../core/dialogs';

export function electronDialogs(window: () => BrowserWindow | null): DialogsPort {
  return {
    async pickFolder({ title, defaultPath }) {
      const options: Electron.OpenDialogOptions = { title, defaultPath, properties: ['openDirectory', 'createDirectory'] };
      const win = window();
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async saveFile({ title, defaultPath, filters }) {
      const options: Electron.SaveDialogOptions = { title, defaultPath, filters, properties: ['createDirectory', 'showOverwriteConfirmation'] };
      const win = window();
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return result.canceled ? null : (result.filePath ?? null);
    },
  };
}
