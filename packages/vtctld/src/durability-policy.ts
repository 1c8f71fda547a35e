/** Durability policies: which tablets acknowledge a primary's writes; the tablets enforce them (see @vtsim/vttablet). */
export { DURABILITY_POLICIES, canEstablishSemiSync, isDurabilityPolicy, isPromotable, primaryUsesSemiSync, replicaSendsSemiSyncAcks } from '@vtsim/vttablet';
