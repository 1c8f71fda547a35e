/**
 * What the live cluster view reads: the same state the CLIs read (the topology, vtctld's workflow
 * operations, the running tablets, vtgate's VStream registry) and the event timeline the cluster
 * records. The cluster (in @vtsim/cli) provides it; the view never reaches into a component.
 */
import type { TopoServer } from '@vtsim/topo';
import type { Vtctld } from '@vtsim/vtctld';
import type { Vtgate } from '@vtsim/vtgate';
import type { Tablet } from '@vtsim/vttablet';

/** One entry of the cluster's timeline: something a learner should see happen. */
export interface TimelineEntry {
  /** Position in the timeline (1, 2, …): a client that saw entry n asks for those after it. */
  seq: number;
  /** When it happened, ms since the epoch (the cluster's clock). */
  atMs: number;
  /** What kind of thing happened: `tablet`, `workflow`, `copy`, `traffic`, `journal`, `vstream`, `reparent` or `component`. */
  kind: string;
  /** One line for a learner, e.g. `reads switched for customer.cust2cust (RDONLY, REPLICA)`. */
  text: string;
}

/** The cluster's timeline, read-only: its entries so far and a way to hear of new ones. */
export interface TimelineSource {
  /** The entries kept, oldest first. */
  entries(): readonly TimelineEntry[];
  /** Calls `listener` with each new entry, in order, until the returned function is called. */
  subscribe(listener: (entry: TimelineEntry) => void): () => void;
}

/** The running cluster as the view reads it. */
export interface ClusterViewSource {
  /** vtgate's cell: the serving graph shown is this cell's. */
  readonly cell: string;
  readonly topo: TopoServer;
  /** vtctld's operations (GetWorkflows, WorkflowStatus), as `vtctldclient` calls them. */
  readonly vtctld: Vtctld;
  /** The running tablets. */
  tablets(): Iterable<Tablet>;
  /** The running vtgate, if any (its VStream registry). */
  vtgate(): Vtgate | undefined;
  readonly timeline: TimelineSource;
}
