#!/usr/bin/env node
/**
 * The `vttestserver` executable: a whole cluster from vttestserver's command line (its flags in
 * vttestserver-flags.ts), in the foreground; once it serves, vttestserver's JSON config is the one
 * line on stdout (logs go to stderr). SIGINT/SIGTERM stop it with exit code 0; a bad flag or a
 * failed start exits 1 with `ERROR: …` on stderr, leaving nothing running.
 */
const { upMain } = await import('./up-command.js');
upMain(process.argv.slice(2), 'vttestserver', { out: (line) => console.log(line), log: (line) => console.error(line) }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`ERROR: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
