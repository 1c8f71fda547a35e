/**
 * A small in-process cluster for vtctld's tests: a memory topology with cell zone1, tablets
 * started the local example's way (uid ending 0/1 → REPLICA, else RDONLY; the first replica of a
 * shard becomes primary) whose VReplication streams reach their sources through a dialer, and a
 * Vtctld wired to them, as the cluster process wires them.
 */
import { ManualClock, SeededRandom, randomUuid } from '@vtsim/binlog';
import { TabletType, tabletAliasString, type TabletAlias, type Target } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { LocalMysqlNetwork, Tablet, type Mysqld } from '@vtsim/vttablet';
import { Vtctld } from '../src/index.js';

/** The pieces of a running test cluster; close() stops every tablet. */
export class MiniCluster {
  readonly network = new LocalMysqlNetwork();
  readonly tablets = new Map<string, Tablet>();
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly vtctld: Vtctld;

  constructor(readonly topo: TopoServer) {
    const dial = (alias: TabletAlias) => this.tablets.get(tabletAliasString(alias));
    this.vtctld = new Vtctld({ topo, tabletDialer: dial, tabletManagerDialer: dial, clock: this.clock });
  }

  static async start(): Promise<MiniCluster> {
    return new MiniCluster(await TopoServer.newMemory('zone1'));
  }

  /** Starts tablets `uids` in keyspace/shard, in order. */
  async addTablets(keyspace: string, shard: string, uids: number[]): Promise<Tablet[]> {
    const out: Tablet[] = [];
    for (const uid of uids) {
      out.push(await this.startTablet(keyspace, shard, uid, { random: new SeededRandom(`t${uid}`), serverUuid: randomUuid(new SeededRandom(`uuid${uid}`)) }));
    }
    return out;
  }

  /**
   * Stops tablet `uid` as a dead primary would be: vtctld can no longer reach it and its mysqld
   * leaves the network (its replicas lose their source), but the mysqld's data and the topology
   * record stay for restartTablet.
   */
  async stopTablet(uid: number): Promise<void> {
    const t = this.tablet(uid);
    this.stopped.set(uid, t);
    this.tablets.delete(tabletAliasString(t.alias));
    await t.close();
  }

  /**
   * Kills tablet `uid` as `kill -9` of its vttablet and its mysqld: the vttablet stops (its record
   * stays) and the mysqld stops with its data, so replicas lose their source; restartTablet brings
   * both back.
   */
  async killTablet(uid: number): Promise<void> {
    const t = this.tablet(uid);
    t.mysqld.stop();
    await this.stopTablet(uid);
  }

  /** Starts a new vttablet for the stopped (or killed) tablet `uid` on its kept mysqld (started again if killed), back on the network. */
  async restartTablet(uid: number): Promise<Tablet> {
    const old = this.stopped.get(uid);
    if (!old) throw new Error(`tablet ${uid} is not stopped`);
    this.stopped.delete(uid);
    if (!old.mysqld.running) old.mysqld.start();
    return this.startTablet(old.keyspace, old.shard, uid, { mysqld: old.mysqld });
  }

  private readonly stopped = new Map<number, Tablet>();

  private async startTablet(keyspace: string, shard: string, uid: number, mysqld: { random: SeededRandom; serverUuid: string } | { mysqld: Mysqld }): Promise<Tablet> {
    const alias = { cell: 'zone1', uid };
    const t = await Tablet.start({
      alias,
      keyspace,
      shard,
      type: uid % 10 <= 1 ? TabletType.REPLICA : TabletType.RDONLY,
      topo: this.topo,
      network: this.network,
      clock: this.clock,
      dialer: (a: TabletAlias) => this.tablets.get(tabletAliasString(a)),
      ...mysqld,
    });
    this.tablets.set(tabletAliasString(alias), t);
    return t;
  }

  /** The running tablet with this uid. */
  tablet(uid: number): Tablet {
    const t = this.tablets.get(tabletAliasString({ cell: 'zone1', uid }));
    if (!t) throw new Error(`no tablet ${uid}`);
    return t;
  }

  /** Runs SQL on a tablet as its current type serves it. */
  async exec(uid: number, sql: string) {
    const t = this.tablet(uid);
    const target: Target = { keyspace: t.keyspace, shard: t.shard, tablet_type: t.type, cell: 'zone1' };
    return t.execute(target, sql, {}, 0);
  }

  /** Resolves once every listed tablet has executed what `uid` has, or rejects after `ms`. */
  async waitCaughtUp(uid: number, others: number[], ms = 5000): Promise<void> {
    const position = this.tablet(uid).position();
    await Promise.all(others.map((o) => this.tablet(o).waitForPosition(position, ms)));
  }

  async close(): Promise<void> {
    await Promise.all([...this.tablets.values()].map((t) => t.close()));
    this.tablets.clear();
    this.topo.close();
  }
}
