#!/usr/bin/env node
/**
 * The `vttestserver` executable of the installed package: `vtsim up` in the foreground with the
 * given flags (its vttestserver-style ones: --keyspaces, --num-shards, --replica-count,
 * --rdonly-count, --schema-dir).
 */
process.argv.splice(2, 0, 'up');
await import('./main.js');
