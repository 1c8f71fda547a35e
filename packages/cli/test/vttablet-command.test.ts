// `vtsim vttablet`'s flags as Vitess's flag parser reads them: a value may follow its flag after a
// space even when it starts with a dash (`--shard -80`, a shard name), as pflag takes it.
import { describe, expect, it } from 'vitest';
import { vttabletMain } from '../src/vttablet-command.js';

describe('vtsim vttablet flags', () => {
  it('takes --shard -80 (the value after a space) and --shard=-80 alike', async () => {
    for (const shard of [['--shard', '-80'], ['--shard=-80'], ['--init_shard', '80-']]) {
      // Parsed: it gets as far as the topology check (a memory topology is refused).
      await expect(vttabletMain(['--tablet-path', 'zone1-0000000300', '--keyspace', 'customer', ...shard], () => undefined)).rejects.toThrow(
        'vtsim vttablet needs --topo-implementation etcd2',
      );
    }
  });

  it('still refuses a flag given without its value', async () => {
    await expect(vttabletMain(['--tablet-path', 'zone1-0000000300', '--keyspace', 'customer', '--shard'], () => undefined)).rejects.toThrow("Option '--shard <value>' argument missing");
  });
});
