// A process that rotates app logs once and can be stopped dead at a pause point (PCI_MAINT_TEST_PAUSE_AT,
// see electron/core/backup/test-hooks.ts), for the crash tests of the rotation. Argument: the config as JSON.
import { pauseHook } from '../../electron/core/backup/test-hooks';
import { rotateAppLogs } from '../../electron/core/maintenance/app-log-rotation';

void rotateAppLogs(JSON.parse(process.argv[2]), { hook: pauseHook(process.env.PCI_MAINT_TEST_PAUSE_AT) }).then((r) => process.stdout.write(JSON.stringify(r)));
