/**
 * Durability policies (vtctl/reparentutil/policy): which tablets acknowledge a primary's writes
 * (semi-sync) and which may be promoted, by name. Tablets enforce them as vttablet's tablet
 * manager does (fixSemiSync); vtctld uses them to pick reparent candidates.
 */
import { TabletType } from '@vtsim/proto';

/** The policy names Vitess registers by default. */
export const DURABILITY_POLICIES: readonly string[] = ['none', 'semi_sync', 'cross_cell', 'semi_sync_with_rdonly_ack', 'cross_cell_with_rdonly_ack', 'test'];

/** True when `name` is a registered durability policy. */
export function isDurabilityPolicy(name: string): boolean {
  return DURABILITY_POLICIES.includes(name);
}

/** True when a policy has its primaries wait for semi-sync acknowledgements. */
export function primaryUsesSemiSync(policy: string): boolean {
  return policy !== 'none' && policy !== '' && policy !== 'test';
}

/** True when, under `policy`, a tablet of `type` sends semi-sync acknowledgements to its primary. */
export function replicaSendsSemiSyncAcks(policy: string, type: TabletType): boolean {
  if (!primaryUsesSemiSync(policy)) return false;
  if (type === TabletType.REPLICA || type === TabletType.PRIMARY) return true;
  return type === TabletType.RDONLY && policy.endsWith('_with_rdonly_ack');
}

/** True when a tablet of `type` may be promoted to primary (every policy forbids RDONLY and the rest). */
export function isPromotable(type: TabletType): boolean {
  return type === TabletType.PRIMARY || type === TabletType.REPLICA;
}

/**
 * As reparentutil's canEstablishForTablet: whether a primary in `primaryCell` could commit under
 * `policy` with the tablets `reachable` (the candidate itself left out): a semi-sync policy needs
 * one of them to send acknowledgements (the cross_cell policies: one in another cell); other
 * policies need nothing.
 */
export function canEstablishSemiSync(policy: string, primaryCell: string, reachable: ReadonlyArray<{ type: TabletType; cell: string }>): boolean {
  if (!primaryUsesSemiSync(policy)) return true;
  const crossCell = policy.startsWith('cross_cell');
  return reachable.some((t) => replicaSendsSemiSyncAcks(policy, t.type) && (!crossCell || t.cell !== primaryCell));
}
