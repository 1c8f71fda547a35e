/**
 * @vtsim/vtctld: the control plane. The Vtctld operations (one per vtctlservice.Vtctld RPC), the
 * gRPC server and client for them, and the schema and VSchema changes the cluster uses directly.
 */
export { applySchema } from './apply-schema.js';
export { applyVSchema, applyVSchemaDdl } from './apply-vschema.js';
export { Vtctld, type VtctldOptions } from './vtctld.js';
export { toVtError, vtctldError } from './vtctld-error.js';
export { DURABILITY_POLICIES, isDurabilityPolicy } from './durability-policy.js';
export { withoutServer } from './reparent-steps.js';
export type * as vtctldata from './vtctldata.js';
export { addVtctldServices, startVtctldGrpcServer, grpcStatusOf, type VtctldGrpcServer, type VtctldGrpcServerOptions, type VtctldServices } from './grpc/vtctld-grpc-server.js';
export { dialVtctld, VtctldCallError, callMetadata, type DialVtctldOptions, type VtctldClient } from './grpc/vtctld-client.js';
export { loadVtctlProtos, vtctlProtoOptions } from './grpc/proto-files.js';
// --- workflows (issue 4): the messages of the workflow RPCs (Vtctld.getWorkflows … vDiffShow) ---
export type * as workflowdata from './workflow/workflow-messages.js';
export { TrafficSwitchDirection, VReplicationWorkflowType } from './workflow/workflow-messages.js';
// --- vtctldclient's commands (moved down from the cli, issue 8): shared by the `vtctldclient` command and vtctld's legacy Vtctl service ---
export { commandNames, findCommand, parseKeyspaceShard, type Command, type CommandContext } from './vtctldclient/commands.js';
export { parseDuration, parseFlags, type FlagSpec, type FlagType, type FlagValues, type ParsedArgs } from './vtctldclient/flags.js';
export { formatBatch, formatTable, type ResultColumn } from './vtctldclient/result-table.js';
// --- the legacy Vtctl service (issue 8): vtctl command lines over vtctldclient's commands, run in-process ---
export { localVtctldClient } from './grpc/local-vtctld-client.js';
export { runVtctlCommand, type VtctlCommandIO } from './vtctl/vtctl-command.js';
export type { VtctlWorkflowIO } from './vtctl/vtctl-workflow.js';
