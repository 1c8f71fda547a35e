#!/usr/bin/env node
/**
 * The `vtsim` executable. `vtsim` and `vtsim --help` print the usage without loading
 * the commands (vtsim-command.ts), which hold the whole cluster; anything else runs a command.
 */
import { VTSIM_USAGE } from './vtsim-usage.js';

const argv = process.argv.slice(2);
if (argv.length === 0 || (argv.length === 1 && argv[0] === '--help')) {
  console.log(VTSIM_USAGE);
  process.exitCode = argv.length === 0 ? 1 : 0;
} else {
  const { vtsimCommand } = await import('./vtsim-command.js');
  vtsimCommand(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`ERROR: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
