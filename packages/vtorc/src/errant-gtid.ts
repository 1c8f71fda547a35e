/**
 * Errant GTIDs as VTOrc's instance poll detects them (Vitess's detectErrantGTIDs): transactions a
 * replica executed that its primary never did. A replicating tablet is compared with its source; a
 * tablet that replicates from nobody (a former primary back after a failover) with the shard's
 * primary, provided that primary replicates from nobody either. The source's own GTIDs are left out
 * of the comparison, because the two tablets are polled at different moments and the replica may
 * be ahead of the primary's last poll on them.
 */
import { tabletAliasString } from '@vtsim/proto';
import { withoutServer } from '@vtsim/vtctld';
import type { Instance } from './instance.js';

/**
 * The errant GTIDs of `instance` (MySQL's text form, '' for none), given the other instances of its
 * shard and the alias the shard record names primary. '' when the instance was never reached, is
 * the shard's primary, or has nothing reachable to be compared with.
 */
export function detectErrantGtids(instance: Instance, shardInstances: readonly Instance[], shardPrimaryAlias: string): string {
  const own = instance.status;
  if (!own) return '';
  const find = (alias: string): Instance | undefined => shardInstances.find((i) => tabletAliasString(i.tablet.alias) === alias);
  let reference: Instance | undefined;
  if (own.source) {
    reference = find(tabletAliasString(own.source));
  } else {
    if (!shardPrimaryAlias || shardPrimaryAlias === tabletAliasString(instance.tablet.alias)) return '';
    const primary = find(shardPrimaryAlias);
    // Only a primary whose promotion the last poll saw (it replicates from nobody) is a safe reference.
    if (primary?.status && !primary.status.source) reference = primary;
  }
  const ref = reference?.status;
  if (!ref) return '';
  const sourceUuid = own.source ? own.sourceUuid || ref.serverUuid : '';
  const errant = withoutServer(own.executed, sourceUuid).subtract(withoutServer(ref.executed, sourceUuid));
  return errant.toString();
}
