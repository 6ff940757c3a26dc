// A long-running helper process of the bench (a test server): its first line is its address, and it
// answers one line per command sent on its stdin.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export interface Proc {
  line: string;
  /** Send a line on the helper's stdin and return the next line it prints. */
  ask(command: string): Promise<string>;
  kill(): void;
}

/** Start a long-running helper (a test server) and return the first line it prints. */
export function startHelper(script: string, extra: string[]): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...extra], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const waiting: Array<(line: string) => void> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.(line));
  const ask = (command: string) => new Promise<string>((resolve) => {
    waiting.push(resolve);
    child.stdin!.write(`${command}\n`);
  });
  return new Promise((resolve, reject) => {
    waiting.push((line) => resolve({ line, ask, kill: () => child.kill('SIGTERM') }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}
