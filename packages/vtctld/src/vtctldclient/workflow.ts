/**
 * vtctldclient's Workflow command: `Workflow --keyspace K list` prints the names of the
 * workflows running in keyspace K (a JSON list), `Workflow --keyspace K show --workflow W` their
 * GetWorkflows answer (with logs, so `Copy phase completed` shows once copied), and
 * `Workflow --keyspace K delete --workflow W` deletes one.
 */
import type { Command } from './commands.js';
import { marshalJson } from './output.js';
import { bool, list, str } from './workflow-common.js';

type Json = Record<string, any>;

/** The Workflow command. */
export const workflowCommandSpec: Command = {
  name: 'Workflow',
  flags: {
    keyspace: { type: 'string', short: 'k' },
    workflow: { type: 'string', short: 'w' },
    'include-logs': { type: 'bool' },
    shards: { type: 'stringSlice' },
    'keep-data': { type: 'bool' },
    'keep-routing-rules': { type: 'bool' },
  },
  args: [1, 1],
  async run(ctx) {
    const keyspace = str(ctx.flags, 'keyspace');
    if (!keyspace) throw new Error('required flag(s) "keyspace" not set');
    const sub = ctx.args[0]!.toLowerCase();
    const workflow = str(ctx.flags, 'workflow');
    if (sub === 'list') {
      const resp = await ctx.call('GetWorkflows', { keyspace, name_only: true, shards: list(ctx.flags, 'shards') });
      ctx.out(`${marshalJson((resp.workflows as Json[]).map((w) => w.name))}\n`);
      return;
    }
    if (sub !== 'show' && sub !== 'delete') throw new Error(`unknown command "${ctx.args[0]}" for "vtctldclient Workflow": expected one of list, show, delete`);
    if (!workflow) throw new Error('required flag(s) "workflow" not set');
    if (sub === 'show') {
      const resp = await ctx.call('GetWorkflows', { keyspace, workflow, include_logs: bool(ctx.flags, 'include-logs', true), shards: list(ctx.flags, 'shards') });
      if ((resp.workflows as Json[]).length === 0) throw new Error(`workflow ${workflow} not found in keyspace ${keyspace}`);
      ctx.out(`${marshalJson(resp)}\n`);
      return;
    }
    const resp = await ctx.call('WorkflowDelete', {
      keyspace,
      workflow,
      keep_data: bool(ctx.flags, 'keep-data'),
      keep_routing_rules: bool(ctx.flags, 'keep-routing-rules'),
      shards: list(ctx.flags, 'shards'),
    });
    ctx.out(`${marshalJson(resp)}\n`);
  },
};
