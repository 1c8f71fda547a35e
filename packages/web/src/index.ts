/**
 * @vtsim/web: the live cluster view served on vtctld's web port — keyspaces and shards as key
 * ranges with their tablets, routing rules, workflows with their copy progress, vtgate's VStream
 * clients and a timeline — pushed to the browser as server-sent events.
 */
export { WebView } from './web-view.js';
export { ClusterViewHub, type ClusterViewHubOptions, type ViewMessage } from './cluster-view-hub.js';
export {
  ClusterViewReader,
  type ClusterView,
  type CopyProgressView,
  type KeyspaceView,
  type RoutingView,
  type SampledSection,
  type ShardView,
  type StreamView,
  type TabletView,
  type VStreamClientView,
  type WorkflowView,
} from './cluster-view.js';
export type { ClusterViewSource, TimelineEntry, TimelineSource } from './view-source.js';
