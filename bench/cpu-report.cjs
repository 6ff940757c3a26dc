// Preloaded (node --require) into each process bench/startup.ts starts: at exit, appends the CPU time
// the process used (user + system, since it started) to the file in PCI_BENCH_CPU_FILE. On a busy
// machine wall-clock times swing with the load; CPU time says what the start-up itself costs.
const fs = require('node:fs');
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  fs.appendFileSync(process.env.PCI_BENCH_CPU_FILE, `${(user + system) / 1000}\n`);
});
