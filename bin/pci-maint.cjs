#!/usr/bin/env node
// The `pci-maint` command: runs the built CLI bundle (npm run build makes dist/cli/index.mjs).
const path = require('node:path');
const fs = require('node:fs');
const { pathToFileURL } = require('node:url');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'index.mjs');
if (!fs.existsSync(entry)) {
  console.error('PCI Maintenance is not built yet. Run "npm run build" in ' + path.dirname(__dirname) + ' first.');
  process.exit(1);
}
// Node.js 22.1+ keeps compiled code of the modules it loads on disk (in the OS temp folder), so the
// second and later starts skip most parsing: https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
require('node:module').enableCompileCache?.();
import(pathToFileURL(entry).href);
