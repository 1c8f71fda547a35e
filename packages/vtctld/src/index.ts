/** @vtsim/vtctld: the control plane — schema and VSchema changes, and (later) the VReplication workflows. */
export { applySchema } from './apply-schema.js';
export { applyVSchema } from './apply-vschema.js';
