/**
 * The client side of vtctld alone (`@vtsim/vtctld/client`): vtctldclient's commands and flag parser
 * and the gRPC client, without vtctld's server and workflows, so that the `vtctldclient` command
 * loads only what it runs.
 */
export { commandNames, findCommand, type Command, type CommandContext } from './vtctldclient/commands.js';
export { parseDuration, parseFlags, type FlagSpec, type FlagType, type FlagValues, type ParsedArgs } from './vtctldclient/flags.js';
export { dialVtctld, VtctldCallError, type DialVtctldOptions, type VtctldClient } from './grpc/vtctld-client.js';
