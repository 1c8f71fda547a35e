// The hub pushes the whole view to a new watcher, then only the sections that changed and each
// timeline entry as it is recorded; it reads nothing while nobody watches.
import { systemClock } from '@vtsim/binlog';
import { TopoServer } from '@vtsim/topo';
import { Vtctld } from '@vtsim/vtctld';
import { describe, expect, it } from 'vitest';
import { ClusterViewHub, type ViewMessage } from '../src/cluster-view-hub.js';
import type { ClusterViewSource, TimelineEntry, TimelineSource } from '../src/view-source.js';

/** A timeline the test appends to. */
class TestTimeline implements TimelineSource {
  readonly kept: TimelineEntry[] = [];
  readonly listeners = new Set<(e: TimelineEntry) => void>();
  entries(): readonly TimelineEntry[] {
    return this.kept;
  }
  subscribe(listener: (e: TimelineEntry) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  add(text: string): void {
    const entry = { seq: this.kept.length + 1, atMs: 0, kind: 'workflow', text };
    this.kept.push(entry);
    for (const l of this.listeners) l(entry);
  }
}

async function source(): Promise<{ source: ClusterViewSource; topo: TopoServer; timeline: TestTimeline }> {
  const topo = await TopoServer.newMemory('zone1');
  const unreachable = (): never => {
    throw new Error('no tablets in this test');
  };
  const vtctld = new Vtctld({ topo, tabletDialer: unreachable, tabletManagerDialer: unreachable, clock: systemClock });
  const timeline = new TestTimeline();
  return { source: { cell: 'zone1', topo, vtctld, tablets: () => [], vtgate: () => undefined, timeline }, topo, timeline };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('ClusterViewHub', () => {
  it('sends a snapshot, then only what changed, and each timeline entry', async () => {
    const { source: src, topo, timeline } = await source();
    await topo.createKeyspace('commerce');
    const hub = new ClusterViewHub(src, { intervalMs: 20, settleMs: 5 });
    const got: ViewMessage[] = [];
    const stop = await hub.watch((m) => got.push(m));
    expect(hub.watching).toBe(1);
    expect(got).toHaveLength(1);
    const [snapshot] = got;
    expect(snapshot!.event).toBe('snapshot');
    expect(snapshot!.event === 'snapshot' && snapshot!.data.keyspaces.map((k) => k.name)).toEqual(['commerce']);

    // Unchanged sections are not sent again.
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(1);

    await topo.createShard('commerce', '0');
    await until(() => got.some((m) => m.event === 'section'));
    const sections = got.filter((m) => m.event === 'section');
    expect(sections.map((m) => m.event === 'section' && m.data.name)).toEqual(['keyspaces']);
    const shards = sections[0]!.event === 'section' && (sections[0]!.data.value as { shards: { name: string; servedTypes: string[] }[] }[])[0]!.shards;
    expect(shards).toEqual([expect.objectContaining({ name: '0', servedTypes: [] })]);

    timeline.add('workflow commerce.wf created');
    expect(got.at(-1)).toEqual({ event: 'timeline', data: { seq: 1, atMs: 0, kind: 'workflow', text: 'workflow commerce.wf created' } });

    stop();
    expect(hub.watching).toBe(0);
    expect(timeline.listeners.size).toBe(0);
    const before = got.length;
    await topo.createShard('commerce', '1');
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(before);
  });

  it('gives a later watcher the whole view as it is now', async () => {
    const { source: src, topo } = await source();
    const hub = new ClusterViewHub(src, { intervalMs: 20 });
    const first: ViewMessage[] = [];
    const stopFirst = await hub.watch((m) => first.push(m));
    await topo.createKeyspace('customer');
    const second: ViewMessage[] = [];
    const stopSecond = await hub.watch((m) => second.push(m));
    expect(second[0]!.event === 'snapshot' && second[0]!.data.keyspaces.map((k) => k.name)).toEqual(['customer']);
    await until(() => first.some((m) => m.event === 'section' && m.data.name === 'keyspaces'));
    stopFirst();
    stopSecond();
    hub.close();
  });
});
