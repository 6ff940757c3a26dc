// The Electron shell: app lifecycle, one secure window, IPC wiring. Business logic lives in core.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, Notification, safeStorage, session, shell } from 'electron';
import log from 'electron-log/main';
import { createEngine, type Engine } from '../core/engine';
import { resolveHome } from '../core/paths';
import { appVersion, findAppRoot, rendererDir } from '../core/app-root';
import { runtimeFlags } from '../core/runtime-mode';
import { IPC_EVENT_CHANNEL } from '../../shared/contract';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { isTrustedRendererUrl, mainWindowOptions } from './window-options';
import { registerIpc } from './ipc';
import { buildMenu } from './menu';
import { SafeStorageSecretStore } from './secret-store';
import { electronDialogs } from './dialogs';
import { createTray, shellPorts, startedHidden } from './background';
import { finishNotice, taskbarProgress } from './job-feedback';
import { startBackupJob } from '../core/backup/profile-jobs';
import { WATCHED } from '../core/notify/service';
import { isFinal, type Job } from '../../shared/jobs';
import { triggerListener, type TriggerListener } from '../server/trigger-listener';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = findAppRoot(here);
const rendererIndex = path.join(rendererDir(root), 'index.html');
// The dev server URL only in development: an installed app always loads its own files.
const devServerUrl = runtimeFlags({ isPackaged: app.isPackaged, env: process.env }).devServerUrl ?? undefined;
let engine: Engine | null = null;
let win: BrowserWindow | null = null;
let tray: ReturnType<typeof createTray> | null = null;
let triggers: TriggerListener | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    openWindow(null);
  });
  app.whenReady().then(start, (err: unknown) => {
    log.error('startup failed', err);
    app.quit();
  });
}

// Nothing may open new windows or navigate away from the app (STYLE 4).
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedRendererUrl(url, rendererIndex, devServerUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

async function start(): Promise<void> {
  const home = resolveHome({ flag: process.env.PCI_MAINT_HOME });
  app.setPath('userData', home);
  log.initialize();
  // safeStorage is usable only once the app is ready, which it is here.
  engine = createEngine({ home, version: appVersion(root), mode: 'desktop', packaged: app.isPackaged, logger: log, secretStore: new SafeStorageSecretStore(home, safeStorage), dialogs: electronDialogs(() => win), shell: shellPorts(openWindow) });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  registerIpc(ipcMain, engine, (url) => isTrustedRendererUrl(url, rendererIndex, devServerUrl));
  engine.onEvent((event) => win?.webContents.send(IPC_EVENT_CHANNEL, event));
  followJobsOnDesktop(engine);
  Menu.setApplicationMenu(buildMenu((route) => openWindow(route), engine.paths.logs));
  // Schedules run while the app is open or in the tray; started at login it opens no window.
  void engine.automation.startScheduler();
  // Event triggers from the user's apps, on 127.0.0.1, only while a trigger token exists.
  triggers = triggerListener(engine);
  void triggers.start();
  const e = engine;
  tray = createTray({
    open: openWindow,
    quit: () => app.quit(),
    backupNow: (profile) => {
      try {
        startBackupJob(e, profile);
        openWindow('/backup');
      } catch (err) {
        log.warn('tray backup failed to start', err);
        openWindow(null);
      }
    },
    state: () => ({
      lastBackup: e.history.list({ kind: 'backup', limit: 1 }).items[0] ?? null,
      profiles: e.profiles.list().map((p) => p.name),
      backupRunning: e.jobs.list().some((j) => j.kind === 'backup' && !isFinal(j.status)),
    }),
  });
  if (!startedHidden()) createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

/** Job progress on the taskbar / dock icon; a notification when a job ends while the window is not in front. */
function followJobsOnDesktop(e: Engine): void {
  const active = new Map<string, Job>();
  e.jobs.onUpdate((job) => {
    const ended = isFinal(job.status);
    if (ended) active.delete(job.id);
    else active.set(job.id, job);
    win?.setProgressBar(taskbarProgress(active.values()));
    if (!ended) return;
    tray?.refresh();
    const notice = finishNotice(job, Boolean(win?.isFocused()), WATCHED);
    if (notice && Notification.isSupported()) {
      const note = new Notification({ title: notice.title, body: notice.body, urgency: notice.critical ? 'critical' : 'normal' });
      note.on('click', () => openWindow(notice.route));
      note.show();
    }
  });
}

function createWindow(route: string | null = null): void {
  win = new BrowserWindow(mainWindowOptions(path.join(here, 'preload.cjs')));
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = null));
  if (devServerUrl) void win.loadURL(route ? `${devServerUrl}#${route}` : devServerUrl);
  else void win.loadFile(rendererIndex, route ? { hash: route } : undefined);
}

/** Show the window (creating it if it was closed to the tray), optionally on one screen, e.g. a failed run. */
function openWindow(route: string | null): void {
  if (!win) return createWindow(route);
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  if (route) void win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(`#${route}`)}`);
}

app.on('window-all-closed', () => {
  // In the tray the schedules keep running; "Quit" in the tray menu ends them.
  if (tray && engine?.automation.schedules.desktop().keepRunningInTray) return;
  if (process.platform !== 'darwin') app.quit();
});

let closing = false;
app.on('before-quit', (event) => {
  if (closing || !engine) return;
  closing = true;
  event.preventDefault();
  const e = engine;
  Promise.resolve(triggers?.stop())
    .catch((err: unknown) => log.warn('trigger listener did not stop cleanly', err))
    .then(() => e.close())
    .finally(() => app.quit());
});
