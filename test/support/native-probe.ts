// Run under a given Node.js by test/unit/core/native-sqlite.test.ts: opens SQLite through the loader
// and prints, as one JSON line, which build this runtime loaded (or the UserError it got).
import { toUserErrorData } from '../../shared/errors';
import { currentBinding, openDatabase } from '../../electron/core/native/sqlite';

try {
  const db = openDatabase(':memory:');
  const { v } = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
  db.close();
  console.log(JSON.stringify({ ok: true, modules: process.versions.modules, node: process.versions.node, binding: currentBinding(), sqlite: v }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, modules: process.versions.modules, error: toUserErrorData(err), stack: err instanceof Error ? err.message : String(err) }));
}
