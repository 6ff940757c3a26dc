// The Dialogs port: native dialogs of the desktop app (a folder picker), injected into the engine
// by electron/main. The CLI and browser mode have none: there, people type a path.
export interface DialogsPort {
  /** The folder a person chose, or null when they cancelled. */
  pickFolder(options: { title: string; defaultPath?: string }): Promise<string | null>;
  /** Where to save a file (support bundle), or null when they cancelled. */
  saveFile?(options: { title: string; defaultPath?: string; filters?: Array<{ name: string; extensions: string[] }> }): Promise<string | null>;
}
