// Issues 4 and 5 under load: four clients insert, update and delete through vtgate while the
// customer keyspace is resharded 0 → -80,80- → -40,40-80,80-c0,c0- → merged back to -80,80-, with a
// VStream started in the copy phase replaying its ROW events into a picture of every table. Needs
// vtctld's Reshard workflow (Vtctld.reshardCreate, workflowSwitchTraffic, moveTablesComplete),
// which is being written now: until it lands these cases are todo.
import { describe, it } from 'vitest';

describe('resharding under load with a VStream attached', () => {
  it.todo('no row lost or duplicated, every write succeeded once or failed retriably, the VStream picture equals the tables, per-row changes in commit order (needs Reshard)');
  it.todo('the same with the VStream client disconnecting and resuming from its saved VGTID at random moments (needs Reshard)');
});
