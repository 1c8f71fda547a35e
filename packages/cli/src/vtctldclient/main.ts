#!/usr/bin/env node
/** The `vtctldclient` executable: runs vtctldclient() with this process's arguments and streams. */
import { readFile } from 'node:fs/promises';
import { vtctldclient } from './vtctldclient.js';

vtctldclient(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
}).then((code) => {
  process.exitCode = code;
});
