/** A cached execution plan and what planning needs to know about the session. */
import type { TabletType } from '@vtsim/proto';
import type { Primitive } from '../engine/primitive.js';
import type { SchemaTracker } from '../schema-tracker.js';
import type { VSchema } from '../vschema.js';

/** The statement kinds plans are built for. */
export type PlanType = 'select' | 'insert' | 'update' | 'delete';

/** A plan: built once per (normalized SQL, keyspace, tablet type) and shared by every execution. */
export interface Plan {
  type: PlanType;
  primitive: Primitive;
  /** The plan writes (so it needs a PRIMARY target). */
  write: boolean;
}

/** The session facts a plan depends on. */
export interface PlanContext {
  vschema: VSchema;
  /** The session's keyspace ('' when none is selected). */
  keyspace: string;
  tabletType: TabletType;
  /** Every keyspace name known to vtgate (VSchema and serving graph), for stripping qualifiers. */
  keyspaceNames: ReadonlySet<string>;
  /** The tables' columns as the tablets report them (Vitess's schema tracking), when vtgate tracks them. */
  schema?: SchemaTracker;
}
