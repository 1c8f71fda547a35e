// Issue 5's acceptance, end to end: the seed document's session (stream-migration.md) on the local
// example, with the real mysql client and a gRPC VStream client built from the .proto files.
// The steps 202–205 and 303–306 need vtctld's MoveTables/Reshard workflows, which are being
// written now (Vtctld.moveTablesCreate, reshardCreate, workflowSwitchTraffic, moveTablesComplete):
// until they land these cases are todo. Journal handling itself is tested on real tablets with
// hand-written journals in packages/vtgate/test/vstream-journal.test.ts.
import { describe, it } from 'vitest';

describe('the seed document: a VStream on customer/0 across the reshard to -80, 80-', () => {
  it.todo('copy phase after 205 exactly as in the document (needs the MoveTables workflow for 202–205)');
  it.todo('301–304: [VGTID DDL alter customer], [VGTID OTHER] (the corder alter); switching reads changes nothing (needs Reshard)');
  it.todo('305: [BEGIN VGTID COMMIT] on 0, then VGTIDs naming exactly -80 and 80- at the journal positions, never 0 again (needs SwitchTraffic)');
  it.todo('insert of 6 and 7 through 15306: one [BEGIN FIELD ROW VGTID COMMIT] from 80-, flags 53251, two row changes (needs SwitchTraffic)');
  it.todo('GTID sets only grow per shard across the whole stream (needs the workflows)');
  it.todo('stop_on_reshard: one [BEGIN JOURNAL VGTID COMMIT] from 0, then a normal end (needs SwitchTraffic)');
  it.todo('include_reshard_journal_events: the journal response, then streaming goes on (needs SwitchTraffic)');
  it.todo('resume with a pre-cutover VGTID after 305, and FAILED_PRECONDITION after 306 (needs Reshard complete)');
});
