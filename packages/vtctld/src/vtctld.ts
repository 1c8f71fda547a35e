/**
 * Vtctld: the control plane's operations, one method per vtctlservice.Vtctld RPC (named like the
 * RPC, first letter lower-cased: `GetTablets` → `getTablets`), taking and returning vtctldata
 * messages with the proto's field names. The gRPC server exposes whichever of these methods
 * exist; a subclass or a later change adds more (the workflow RPCs) the same way.
 */
import { noopLogger, type Clock, type LogFields, type Logger } from '@vtsim/binlog';
import {
  Code,
  TabletType,
  VtError,
  emptyKeyspaceVSchema,
  parseKeyspaceVSchema,
  parseRoutingRules,
  resultToWire,
  tabletAliasString,
  type KeyspaceVSchema,
  type SrvKeyspace,
  type SrvVSchema,
  type Tablet,
  type TabletAlias,
} from '@vtsim/proto';
import { isAlterVschema, parseAlterVschema, type AlterVschema } from '@vtsim/sql';
import { isTopoError, type TopoServer } from '@vtsim/topo';
import type { TabletDialer, TabletManagerDialer } from '@vtsim/vttablet';
import { applySchema } from './apply-schema.js';
import { applyVSchema, applyVSchemaDdl } from './apply-vschema.js';
import { deleteKeyspace, deleteShard } from './delete-shard.js';
import { isDurabilityPolicy } from './durability-policy.js';
import { emergencyReparentShard } from './emergency-reparent-shard.js';
import { fullStatusToProto, replicationStatusToProto } from './full-status.js';
import { getSchema } from './get-schema.js';
import { initShardPrimary } from './init-shard-primary.js';
import { plannedReparentShard } from './planned-reparent-shard.js';
import { dialTabletManager, sameAlias, type VtctldContext } from './vtctld-context.js';
import type * as pb from './vtctldata.js';
import { toVtError, vtctldError } from './vtctld-error.js';
import { getWorkflows } from './workflow/get-workflows.js';
import { moveTablesCreate } from './workflow/move-tables-create.js';
import { reshardCreate } from './workflow/reshard-create.js';
import { VDiffStore } from './workflow/vdiff.js';
import { workflowComplete } from './workflow/workflow-complete.js';
import { workflowDelete } from './workflow/workflow-delete.js';
import { TrafficSwitchDirection } from './workflow/workflow-messages.js';
import type * as wf from './workflow/workflow-messages.js';
import { workflowStatus } from './workflow/workflow-status.js';
import { workflowSwitchTraffic } from './workflow/workflow-switch-traffic.js';

/** What a Vtctld needs: the topology, the tablets' two APIs, the clock and (optionally) a logger. */
export interface VtctldOptions {
  topo: TopoServer;
  /** Reaches a tablet's QueryService (ApplySchema runs DDL through the primaries). */
  tabletDialer: TabletDialer;
  /** Reaches a tablet's tablet-manager API. */
  tabletManagerDialer: TabletManagerDialer;
  clock: Clock;
  /** Where vtctld logs each workflow step and reparent, one line each (default: nowhere). */
  logger?: Logger;
}

/** The tablet types ChangeTabletType may move between. */
const TRIVIAL_TYPES: ReadonlySet<TabletType> = new Set([TabletType.REPLICA, TabletType.RDONLY, TabletType.SPARE, TabletType.DRAINED]);

function required(value: string | undefined, what: string): string {
  if (!value) throw vtctldError(Code.INVALID_ARGUMENT, `${what} is required`);
  return value;
}

function requiredAlias(alias: TabletAlias | null | undefined): TabletAlias {
  if (!alias) throw vtctldError(Code.INVALID_ARGUMENT, 'tablet alias is required');
  return alias;
}

function byAlias(a: Tablet, b: Tablet): number {
  return a.alias.cell < b.alias.cell ? -1 : a.alias.cell > b.alias.cell ? 1 : a.alias.uid - b.alias.uid;
}

/**
 * vtctld's RPCs. Every method fails with a VtError carrying a vtrpc code: NOT_FOUND for a missing
 * topology record, ALREADY_EXISTS for a duplicate, INVALID_ARGUMENT for bad input,
 * FAILED_PRECONDITION for an action the current state forbids, UNAVAILABLE for an unreachable
 * tablet, UNIMPLEMENTED for options vtsim does not simulate.
 */
export class Vtctld {
  readonly topo: TopoServer;
  protected readonly ctx: VtctldContext;

  /** The clock vtctld reads the time from (operations and the legacy Vtctl service's event times). */
  get clock(): Clock {
    return this.ctx.clock;
  }

  constructor(opts: VtctldOptions) {
    this.topo = opts.topo;
    this.ctx = { topo: opts.topo, tabletDialer: opts.tabletDialer, tabletManagerDialer: opts.tabletManagerDialer, clock: opts.clock, logger: opts.logger ?? noopLogger };
  }

  /**
   * Runs a workflow step or a reparent as {@link guard} does, logging `<step> done` with `fields`
   * (and those `result` adds) when it succeeds, or `<step> failed` with the error when it fails.
   */
  private async logged<T>(step: string, fields: LogFields, op: () => Promise<T>, result?: (res: T) => LogFields): Promise<T> {
    try {
      const res = await guard(op);
      this.ctx.logger.info(`${step} done`, { step, ...fields, ...result?.(res) });
      return res;
    } catch (err) {
      this.ctx.logger.error(`${step} failed`, { step, ...fields, error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  // --- cells ----------------------------------------------------------------------------------

  /** Registers a cell's topology (ALREADY_EXISTS if the cell exists). */
  async addCellInfo(req: pb.AddCellInfoRequest): Promise<pb.Empty> {
    return guard(async () => {
      const name = required(req.name, 'cell name');
      await this.topo.createCellInfo(name, { server_address: req.cell_info?.server_address ?? '', root: req.cell_info?.root ?? '' });
      return {};
    });
  }

  /** Deletes a cell's CellInfo; FAILED_PRECONDITION while tablets live there, unless `force`. */
  async deleteCellInfo(req: pb.DeleteCellInfoRequest): Promise<pb.Empty> {
    return guard(async () => {
      const name = required(req.name, 'cell name');
      if (!req.force && (await this.topo.getTabletAliasesByCell(name)).length > 0) {
        throw vtctldError(Code.FAILED_PRECONDITION, `cell ${name} still has tablets; use Force = true to delete it anyway`);
      }
      await this.topo.deleteCellInfo(name);
      return {};
    });
  }

  /** A cell's CellInfo. */
  async getCellInfo(req: pb.GetCellInfoRequest): Promise<pb.GetCellInfoResponse> {
    return guard(async () => ({ cell_info: await this.topo.getCellInfo(required(req.cell, 'cell')) }));
  }

  /** The names of all cells, sorted. */
  async getCellInfoNames(): Promise<pb.GetCellInfoNamesResponse> {
    return guard(async () => ({ names: await this.topo.getCellInfoNames() }));
  }

  // --- routing rules, schema and VSchema --------------------------------------------------------

  /** Replaces the routing rules and (unless `skip_rebuild`) rebuilds the SrvVSchema of `rebuild_cells` (default all). */
  async applyRoutingRules(req: pb.ApplyRoutingRulesRequest): Promise<pb.Empty> {
    return guard(async () => {
      let rules;
      try {
        rules = parseRoutingRules(req.routing_rules ?? { rules: [] });
      } catch (err) {
        throw vtctldError(Code.INVALID_ARGUMENT, err instanceof Error ? err.message : String(err));
      }
      await this.topo.saveRoutingRules(rules);
      if (!req.skip_rebuild) await this.topo.rebuildSrvVSchema(req.rebuild_cells?.length ? req.rebuild_cells : undefined);
      return {};
    });
  }

  /** The routing rules (`{rules: []}` when none were saved). */
  async getRoutingRules(): Promise<pb.GetRoutingRulesResponse> {
    return guard(async () => ({ routing_rules: await this.topo.getRoutingRules() }));
  }

  /**
   * Runs the `sql` statements on every shard primary of the keyspace (the direct DDL strategy,
   * the only one vtsim simulates); returns the rows affected per shard.
   */
  async applySchema(req: pb.ApplySchemaRequest): Promise<pb.ApplySchemaResponse> {
    return guard(async () => {
      const keyspace = required(req.keyspace, 'keyspace');
      const strategy = (req.ddl_strategy ?? '').trim();
      if (strategy !== '' && strategy !== 'direct') throw vtctldError(Code.UNIMPLEMENTED, `ddl strategy ${strategy} is not supported by vtsim (only direct)`);
      const sql = (req.sql ?? []).filter((s) => s.trim() !== '');
      if (sql.length === 0) throw vtctldError(Code.INVALID_ARGUMENT, 'no SQL statements to apply');
      await this.topo.getKeyspace(keyspace);
      const shards = await this.topo.getShardNames(keyspace);
      const results = await applySchema(this.topo, this.ctx.tabletDialer, keyspace, sql.join(';\n'));
      const perShard = results.length / Math.max(1, shards.length);
      const rows_affected_by_shard: Record<string, number> = {};
      shards.forEach((shard, i) => {
        rows_affected_by_shard[shard] = results.slice(i * perShard, (i + 1) * perShard).reduce((n, r) => n + Number(r.rowsAffected), 0);
      });
      return { uuid_list: [], rows_affected_by_shard };
    });
  }

  /**
   * Validates and saves a keyspace's VSchema (only validates with `dry_run`); returns what was
   * saved. The change is either a whole VSchema (`v_schema`) or one ALTER VSCHEMA statement (`sql`,
   * applied to the request's keyspace whatever the statement qualifies, as Vitess's vtctld does).
   */
  async applyVSchema(req: pb.ApplyVSchemaRequest): Promise<pb.ApplyVSchemaResponse> {
    return guard(async () => {
      const keyspace = required(req.keyspace, 'keyspace');
      if (!req.v_schema === !req.sql) throw vtctldError(Code.INVALID_ARGUMENT, 'must pass exactly one of VSchema or SQL');
      if (req.sql) {
        if (!isAlterVschema(req.sql)) throw vtctldError(Code.INVALID_ARGUMENT, `error parsing VSchema DDL statement \`${req.sql}\``);
        let ddl: AlterVschema;
        try {
          ddl = parseAlterVschema(req.sql);
        } catch (err) {
          throw vtctldError(Code.INVALID_ARGUMENT, `Parse(${req.sql}): ${(err as Error).message}`);
        }
        try {
          return { v_schema: await applyVSchemaDdl(this.topo, keyspace, ddl, { dryRun: !!req.dry_run }), unknown_vindex_params: {} };
        } catch (err) {
          // The change's own errors (SqlError with its code) and topology errors keep their codes; an invalid result is the request's fault.
          if (err instanceof VtError || isTopoError(err, 'NoNode') || isTopoError(err, 'BadVersion')) throw err;
          throw vtctldError(Code.INVALID_ARGUMENT, err instanceof Error ? err.message : String(err));
        }
      }
      await this.topo.getKeyspace(keyspace);
      let v_schema: KeyspaceVSchema;
      try {
        v_schema = req.dry_run ? parseKeyspaceVSchema(req.v_schema) : await applyVSchema(this.topo, keyspace, req.v_schema);
      } catch (err) {
        if (isTopoError(err, 'NoNode') || isTopoError(err, 'BadVersion')) throw err;
        throw vtctldError(Code.INVALID_ARGUMENT, err instanceof Error ? err.message : String(err));
      }
      return { v_schema, unknown_vindex_params: {} };
    });
  }

  /** A tablet's table definitions (see get-schema.ts for the filters). */
  async getSchema(req: pb.GetSchemaRequest): Promise<pb.GetSchemaResponse> {
    return guard(async () => {
      const alias = requiredAlias(req.tablet_alias);
      await this.topo.getTablet(alias);
      return { schema: await getSchema(dialTabletManager(this.ctx, alias), req) };
    });
  }

  /** A keyspace's VSchema (NOT_FOUND when it has none). */
  async getVSchema(req: pb.GetVSchemaRequest): Promise<pb.GetVSchemaResponse> {
    return guard(async () => ({ v_schema: await this.topo.getVSchema(required(req.keyspace, 'keyspace')) }));
  }

  /** A cell's SrvVSchema. */
  async getSrvVSchema(req: pb.GetSrvVSchemaRequest): Promise<pb.GetSrvVSchemaResponse> {
    return guard(async () => ({ srv_v_schema: await this.topo.getSrvVSchema(required(req.cell, 'cell')) }));
  }

  /** The SrvVSchema of each of `cells` (default all) that has one. */
  async getSrvVSchemas(req: pb.GetSrvVSchemasRequest): Promise<pb.GetSrvVSchemasResponse> {
    return guard(async () => {
      const srv_v_schemas: Record<string, SrvVSchema> = {};
      for (const cell of req.cells?.length ? req.cells : await this.topo.getCellInfoNames()) {
        const srv = await orNull(this.topo.getSrvVSchema(cell));
        if (srv) srv_v_schemas[cell] = srv;
      }
      return { srv_v_schemas };
    });
  }

  /** Rebuilds the SrvVSchema of `cells` (default all). */
  async rebuildVSchemaGraph(req: pb.RebuildVSchemaGraphRequest): Promise<pb.Empty> {
    return guard(async () => {
      await this.topo.rebuildSrvVSchema(req.cells?.length ? req.cells : undefined);
      return {};
    });
  }

  // --- keyspaces and shards -------------------------------------------------------------------

  /**
   * Creates a keyspace (durability policy default `none`, sidecar database default `_vt`) with an
   * empty VSchema unless `allow_empty_v_schema`; with `force` an existing keyspace is not an error.
   */
  async createKeyspace(req: pb.CreateKeyspaceRequest): Promise<pb.CreateKeyspaceResponse> {
    return guard(async () => {
      const name = required(req.name, 'keyspace name');
      const durability_policy = req.durability_policy || 'none';
      if (!isDurabilityPolicy(durability_policy)) {
        throw vtctldError(Code.INVALID_ARGUMENT, `durability policy <${durability_policy}> is not a valid policy. Please register it as a policy first`);
      }
      try {
        await this.topo.createKeyspace(name, {
          keyspace_type: req.type ?? 0,
          base_keyspace: req.base_keyspace ?? '',
          snapshot_time: req.snapshot_time ?? null,
          durability_policy,
          sidecar_db_name: req.sidecar_db_name || '_vt',
        });
      } catch (err) {
        if (!(req.force && isTopoError(err, 'NodeExists'))) throw err;
      }
      if (!req.allow_empty_v_schema && !(await orNull(this.topo.getVSchema(name)))) {
        await this.topo.saveVSchema(name, emptyKeyspaceVSchema());
      }
      await this.topo.rebuildSrvVSchema();
      return { keyspace: { name, keyspace: (await this.topo.getKeyspace(name)).keyspace } };
    });
  }

  /** One keyspace with its name. */
  async getKeyspace(req: pb.GetKeyspaceRequest): Promise<pb.GetKeyspaceResponse> {
    return guard(async () => {
      const name = required(req.keyspace, 'keyspace');
      return { keyspace: { name, keyspace: (await this.topo.getKeyspace(name)).keyspace } };
    });
  }

  /** Every keyspace, sorted by name. */
  async getKeyspaces(): Promise<pb.GetKeyspacesResponse> {
    return guard(async () => {
      const keyspaces: pb.Keyspace[] = [];
      for (const name of await this.topo.getKeyspaces()) keyspaces.push({ name, keyspace: (await this.topo.getKeyspace(name)).keyspace });
      return { keyspaces };
    });
  }

  /** Deletes a keyspace (see delete-shard.ts). */
  async deleteKeyspace(req: pb.DeleteKeyspaceRequest): Promise<pb.Empty> {
    return guard(async () => {
      await deleteKeyspace(this.ctx, required(req.keyspace, 'keyspace'), !!req.recursive);
      return {};
    });
  }

  /** Sets a keyspace's durability policy under the keyspace lock; returns the updated record. */
  async setKeyspaceDurabilityPolicy(req: pb.SetKeyspaceDurabilityPolicyRequest): Promise<pb.SetKeyspaceDurabilityPolicyResponse> {
    return guard(async () => {
      const name = required(req.keyspace, 'keyspace');
      const policy = req.durability_policy ?? '';
      if (!isDurabilityPolicy(policy)) {
        throw vtctldError(Code.INVALID_ARGUMENT, `durability policy <${policy}> is not a valid policy. Please register it as a policy first`);
      }
      const unlock = await this.topo.lockKeyspace(name, 'SetKeyspaceDurabilityPolicy');
      try {
        const info = await this.topo.getKeyspace(name);
        info.keyspace.durability_policy = policy;
        await this.topo.updateKeyspace(info);
        return { keyspace: info.keyspace };
      } finally {
        await unlock();
      }
    });
  }

  /** Creates a shard (and its keyspace with `include_parent`); `force` tolerates an existing one. */
  async createShard(req: pb.CreateShardRequest): Promise<pb.CreateShardResponse> {
    return guard(async () => {
      const keyspace = required(req.keyspace, 'keyspace');
      const name = required(req.shard_name, 'shard name');
      let created: pb.Keyspace | null = null;
      if (req.include_parent && !(await orNull(this.topo.getKeyspace(keyspace)))) {
        await this.topo.createKeyspace(keyspace);
        created = { name: keyspace, keyspace: (await this.topo.getKeyspace(keyspace)).keyspace };
      } else {
        await this.topo.getKeyspace(keyspace);
      }
      let shard_already_exists = false;
      try {
        await this.topo.createShard(keyspace, name);
      } catch (err) {
        if (!(req.force && isTopoError(err, 'NodeExists'))) throw err;
        shard_already_exists = true;
      }
      const si = await this.topo.getShard(keyspace, name);
      return { keyspace: created, shard: { keyspace, name, shard: si.shard }, shard_already_exists };
    });
  }

  /** One shard with its keyspace and name. */
  async getShard(req: pb.GetShardRequest): Promise<pb.GetShardResponse> {
    return guard(async () => {
      const keyspace = required(req.keyspace, 'keyspace');
      const name = required(req.shard_name, 'shard name');
      return { shard: { keyspace, name, shard: (await this.topo.getShard(keyspace, name)).shard } };
    });
  }

  /** Every shard of a keyspace, by name. */
  async findAllShardsInKeyspace(req: pb.FindAllShardsInKeyspaceRequest): Promise<pb.FindAllShardsInKeyspaceResponse> {
    return guard(async () => {
      const keyspace = required(req.keyspace, 'keyspace');
      await this.topo.getKeyspace(keyspace);
      const shards: Record<string, pb.Shard> = {};
      for (const [name, si] of await this.topo.findAllShardsInKeyspace(keyspace)) shards[name] = { keyspace, name, shard: si.shard };
      return { shards };
    });
  }

  /** Deletes shards in order, stopping at the first failure (see delete-shard.ts). */
  async deleteShards(req: pb.DeleteShardsRequest): Promise<pb.Empty> {
    return guard(async () => {
      for (const s of req.shards ?? []) {
        await deleteShard(this.ctx, required(s.keyspace, 'keyspace'), required(s.name, 'shard name'), {
          recursive: !!req.recursive,
          evenIfServing: !!req.even_if_serving,
        });
      }
      return {};
    });
  }

  /** The keyspaces served in each of `cells` (default all). */
  async getSrvKeyspaceNames(req: pb.GetSrvKeyspaceNamesRequest): Promise<pb.GetSrvKeyspaceNamesResponse> {
    return guard(async () => {
      const names: Record<string, { names: string[] }> = {};
      for (const cell of req.cells?.length ? req.cells : await this.topo.getCellInfoNames()) names[cell] = { names: await this.topo.getSrvKeyspaceNames(cell) };
      return { names };
    });
  }

  /** A keyspace's SrvKeyspace in each of `cells` (default all) that has one. */
  async getSrvKeyspaces(req: pb.GetSrvKeyspacesRequest): Promise<pb.GetSrvKeyspacesResponse> {
    return guard(async () => {
      const keyspace = required(req.keyspace, 'keyspace');
      await this.topo.getKeyspace(keyspace);
      const srv_keyspaces: Record<string, SrvKeyspace> = {};
      for (const cell of req.cells?.length ? req.cells : await this.topo.getCellInfoNames()) {
        const srv = await orNull(this.topo.getSrvKeyspace(cell, keyspace));
        if (srv) srv_keyspaces[cell] = srv;
      }
      return { srv_keyspaces };
    });
  }

  /** Rebuilds a keyspace's serving graph in `cells` (default all). */
  async rebuildKeyspaceGraph(req: pb.RebuildKeyspaceGraphRequest): Promise<pb.Empty> {
    return guard(async () => {
      await this.topo.rebuildKeyspaceGraph(required(req.keyspace, 'keyspace'), req.cells?.length ? req.cells : undefined);
      return {};
    });
  }

  // --- tablets --------------------------------------------------------------------------------

  /** One tablet's record. */
  async getTablet(req: pb.TabletAliasRequest): Promise<pb.GetTabletResponse> {
    return guard(async () => ({ tablet: (await this.topo.getTablet(requiredAlias(req.tablet_alias))).tablet }));
  }

  /**
   * Tablet records sorted by cell and uid: those named in `tablet_aliases`, else those of
   * `keyspace` (and `shard`, when given with a keyspace) in `cells` (default all), of
   * `tablet_type` when set. Unreadable cells or aliases are skipped unless `strict`.
   */
  async getTablets(req: pb.GetTabletsRequest): Promise<pb.GetTabletsResponse> {
    return guard(async () => {
      const tablets: Tablet[] = [];
      if (req.tablet_aliases?.length) {
        for (const alias of req.tablet_aliases) {
          const ti = req.strict ? await this.topo.getTablet(alias) : await orNull(this.topo.getTablet(alias));
          if (ti) tablets.push(ti.tablet);
        }
      } else {
        for (const cell of req.cells?.length ? req.cells : await this.topo.getCellInfoNames()) {
          const inCell = req.strict ? await this.topo.getTabletsByCell(cell) : (await orNull(this.topo.getTabletsByCell(cell))) ?? [];
          for (const { tablet } of inCell) {
            if (req.keyspace && tablet.keyspace !== req.keyspace) continue;
            if (req.keyspace && req.shard && tablet.shard !== req.shard) continue;
            if (req.tablet_type && tablet.type !== req.tablet_type) continue;
            tablets.push(tablet);
          }
        }
      }
      return { tablets: tablets.sort(byAlias) };
    });
  }

  /** Deletes tablet records; a primary only with `allow_primary` (its shard then has no primary). */
  async deleteTablets(req: pb.DeleteTabletsRequest): Promise<pb.Empty> {
    return guard(async () => {
      for (const alias of req.tablet_aliases ?? []) {
        const { tablet } = await this.topo.getTablet(alias);
        if (tablet.type === TabletType.PRIMARY) {
          if (!req.allow_primary) throw vtctldError(Code.FAILED_PRECONDITION, `cannot delete tablet ${tabletAliasString(alias)} as it is a primary, use allow_primary flag`);
          await this.topo.updateShardFields(tablet.keyspace, tablet.shard, (s) => {
            if (!sameAlias(s.primary_alias, alias)) return false;
            s.primary_alias = null;
            // As Vitess: the term restarts now, which tells VTOrc the primary was deleted (PrimaryTabletDeleted).
            s.primary_term_start_time = { seconds: Math.floor(this.clock.now() / 1000), nanoseconds: 0 };
          });
        }
        await this.topo.deleteTablet(alias);
      }
      return {};
    });
  }

  /** Changes a non-primary tablet's type among REPLICA, RDONLY, SPARE and DRAINED. */
  async changeTabletType(req: pb.ChangeTabletTypeRequest): Promise<pb.ChangeTabletTypeResponse> {
    return guard(async () => {
      const alias = requiredAlias(req.tablet_alias);
      const to = req.db_type ?? TabletType.UNKNOWN;
      const { tablet: before } = await this.topo.getTablet(alias);
      if (to === TabletType.PRIMARY) throw vtctldError(Code.INVALID_ARGUMENT, 'tablet type PRIMARY cannot be set with ChangeTabletType; use PlannedReparentShard');
      if (before.type === TabletType.PRIMARY) throw vtctldError(Code.FAILED_PRECONDITION, `tablet ${tabletAliasString(alias)} is a primary; use PlannedReparentShard to change it`);
      if (!TRIVIAL_TYPES.has(before.type) || !TRIVIAL_TYPES.has(to)) {
        throw vtctldError(Code.FAILED_PRECONDITION, `tablet ${tabletAliasString(alias)} type change ${TabletType[before.type]} -> ${TabletType[to]} is not an allowed transition for ChangeTabletType`);
      }
      if (req.dry_run) return { before_tablet: before, after_tablet: { ...before, type: to }, was_dry_run: true };
      await dialTabletManager(this.ctx, alias).changeType(to);
      return { before_tablet: before, after_tablet: (await this.topo.getTablet(alias)).tablet, was_dry_run: false };
    });
  }

  /** The full status of a tablet's mysqld (replication, GTIDs, read-only and semi-sync state). */
  async getFullStatus(req: pb.TabletAliasRequest): Promise<pb.GetFullStatusResponse> {
    return guard(async () => {
      const alias = requiredAlias(req.tablet_alias);
      const { tablet } = await this.topo.getTablet(alias);
      const policy = (await orNull(this.topo.getKeyspace(tablet.keyspace)))?.keyspace.durability_policy ?? 'none';
      const status = await dialTabletManager(this.ctx, alias).fullStatus();
      return { status: fullStatusToProto(status, tablet.type, policy) };
    });
  }

  /** Runs one statement on a tablet as the DBA user; INVALID_ARGUMENT when it returns more than `max_rows` rows. */
  async executeFetchAsDBA(req: pb.ExecuteFetchAsDBARequest): Promise<pb.ExecuteFetchAsDBAResponse> {
    return guard(async () => {
      const alias = requiredAlias(req.tablet_alias);
      const query = required(req.query, 'query');
      await this.topo.getTablet(alias);
      const result = await dialTabletManager(this.ctx, alias).executeFetchAsDba(query);
      const maxRows = Number(req.max_rows ?? 0);
      if (maxRows > 0 && result.rows.length > maxRows) throw vtctldError(Code.INVALID_ARGUMENT, `Row count exceeded ${maxRows}`);
      return { result: resultToWire(result) };
    });
  }

  /** Checks that a tablet answers. */
  async pingTablet(req: pb.TabletAliasRequest): Promise<pb.Empty> {
    return guard(async () => {
      await dialTabletManager(this.ctx, requiredAlias(req.tablet_alias)).tablet();
      return {};
    });
  }

  /** Makes a tablet re-read its record. */
  async refreshState(req: pb.TabletAliasRequest): Promise<pb.Empty> {
    return guard(async () => {
      const alias = requiredAlias(req.tablet_alias);
      await this.topo.getTablet(alias);
      await dialTabletManager(this.ctx, alias).refreshState();
      return {};
    });
  }

  /** RefreshState on every tablet of a shard (in `cells`, default all); unreachable ones make it partial. */
  async refreshStateByShard(req: pb.RefreshStateByShardRequest): Promise<pb.RefreshStateByShardResponse> {
    return guard(async () => {
      const keyspace = required(req.keyspace, 'keyspace');
      const shard = required(req.shard, 'shard');
      await this.topo.getShard(keyspace, shard);
      const failures: string[] = [];
      for (const { tablet } of await this.topo.getTabletsByShard(keyspace, shard)) {
        if (req.cells?.length && !req.cells.includes(tablet.alias.cell)) continue;
        try {
          await dialTabletManager(this.ctx, tablet.alias).refreshState();
        } catch (err) {
          failures.push(`${tabletAliasString(tablet.alias)}: ${toVtError(err).message}`);
        }
      }
      return { is_partial_refresh: failures.length > 0, partial_refresh_details: failures.join('; ') };
    });
  }

  /** Makes a tablet's mysqld writable or read-only. */
  async setWritable(req: pb.SetWritableRequest): Promise<pb.Empty> {
    return guard(async () => {
      const tm = dialTabletManager(this.ctx, requiredAlias(req.tablet_alias));
      await (req.writable ? tm.setReadWrite() : tm.setReadOnly());
      return {};
    });
  }

  /** Starts a replica's replication. */
  async startReplication(req: pb.TabletAliasRequest): Promise<pb.Empty> {
    return guard(async () => {
      await dialTabletManager(this.ctx, requiredAlias(req.tablet_alias)).startReplication();
      return {};
    });
  }

  /** Stops a replica's replication. */
  async stopReplication(req: pb.TabletAliasRequest): Promise<pb.Empty> {
    return guard(async () => {
      await dialTabletManager(this.ctx, requiredAlias(req.tablet_alias)).stopReplication();
      return {};
    });
  }

  /** Each reachable tablet's replication position (a primary's own position), by alias. */
  async shardReplicationPositions(req: pb.ShardReplicationPositionsRequest): Promise<pb.ShardReplicationPositionsResponse> {
    return guard(async () => {
      const keyspace = required(req.keyspace, 'keyspace');
      const shard = required(req.shard, 'shard');
      await this.topo.getShard(keyspace, shard);
      const replication_statuses: Record<string, pb.ReplicationStatus> = {};
      const tablet_map: Record<string, Tablet> = {};
      for (const { tablet } of await this.topo.getTabletsByShard(keyspace, shard)) {
        const name = tabletAliasString(tablet.alias);
        tablet_map[name] = tablet;
        const tm = this.ctx.tabletManagerDialer(tablet.alias);
        if (!tm) continue;
        const status = tablet.type === TabletType.PRIMARY ? null : await tm.getReplicationStatus();
        replication_statuses[name] = status
          ? replicationStatusToProto(status)
          : replicationStatusToProto({
            position: await tm.primaryPosition(), source_alias: null, source_host: '', source_port: 0, source_uuid: '',
            io_running: false, sql_running: false, last_error: '', replication_lag_seconds: 0,
          });
      }
      return { replication_statuses, tablet_map };
    });
  }

  // --- reparents ------------------------------------------------------------------------------

  /** Makes a tablet the shard's primary (see init-shard-primary.ts). */
  async initShardPrimary(req: pb.InitShardPrimaryRequest): Promise<pb.InitShardPrimaryResponse> {
    return guard(() => initShardPrimary(this.ctx, req));
  }

  /** Moves the shard's primary with no lost write (see planned-reparent-shard.ts). */
  async plannedReparentShard(req: pb.PlannedReparentShardRequest): Promise<pb.PlannedReparentShardResponse> {
    return this.logged('PlannedReparentShard', { keyspace: req.keyspace, shard: req.shard }, () => plannedReparentShard(this.ctx, req), promoted);
  }

  /** Gives a shard whose primary is dead a new primary (see emergency-reparent-shard.ts). */
  async emergencyReparentShard(req: pb.EmergencyReparentShardRequest): Promise<pb.EmergencyReparentShardResponse> {
    return this.logged('EmergencyReparentShard', { keyspace: req.keyspace, shard: req.shard }, () => emergencyReparentShard(this.ctx, req), promoted);
  }

  // --- workflows (issue 4): MoveTables, Reshard, SwitchTraffic, VDiff (see workflow/) ------------

  /** The VDiffs this vtctld ran (kept in memory, as long as this Vtctld lives). */
  private readonly vdiffs = new VDiffStore();

  /** The VReplication workflows of a keyspace (see workflow/get-workflows.ts). */
  async getWorkflows(req: wf.GetWorkflowsRequest): Promise<wf.GetWorkflowsResponse> {
    return guard(() => getWorkflows(this.ctx, req));
  }

  /** A workflow's streams, copy progress and traffic state (see workflow/workflow-status.ts). */
  async workflowStatus(req: wf.WorkflowStatusRequest): Promise<wf.WorkflowStatusResponse> {
    return guard(() => workflowStatus(this.ctx, required(req.keyspace, 'keyspace'), required(req.workflow, 'workflow')));
  }

  /** Creates a MoveTables workflow (see workflow/move-tables-create.ts). */
  async moveTablesCreate(req: wf.MoveTablesCreateRequest): Promise<wf.WorkflowStatusResponse> {
    return this.logged('MoveTables create', { workflow: req.workflow, source_keyspace: req.source_keyspace, target_keyspace: req.target_keyspace }, () => moveTablesCreate(this.ctx, req));
  }

  /** Completes a MoveTables or Reshard workflow once all traffic is switched (see workflow/workflow-complete.ts). */
  async moveTablesComplete(req: wf.MoveTablesCompleteRequest): Promise<wf.MoveTablesCompleteResponse> {
    return this.logged('Complete', { workflow: req.workflow, keyspace: req.target_keyspace, dry_run: !!req.dry_run }, () => workflowComplete(this.ctx, req));
  }

  /** Creates a Reshard workflow (see workflow/reshard-create.ts). */
  async reshardCreate(req: wf.ReshardCreateRequest): Promise<wf.WorkflowStatusResponse> {
    return this.logged('Reshard create', { workflow: req.workflow, keyspace: req.keyspace, source_shards: req.source_shards, target_shards: req.target_shards }, () => reshardCreate(this.ctx, req));
  }

  /** SwitchTraffic and ReverseTraffic (see workflow/workflow-switch-traffic.ts). */
  async workflowSwitchTraffic(req: wf.WorkflowSwitchTrafficRequest): Promise<wf.WorkflowSwitchTrafficResponse> {
    const fields = { workflow: req.workflow, keyspace: req.keyspace, tablet_types: req.tablet_types?.map((t) => TabletType[t]), dry_run: !!req.dry_run };
    return this.logged(req.direction === TrafficSwitchDirection.Backward ? 'ReverseTraffic' : 'SwitchTraffic', fields, () => workflowSwitchTraffic(this.ctx, req), (res) => ({ start_state: res.start_state, current_state: res.current_state }));
  }

  /** Cancels a workflow before any traffic is switched (see workflow/workflow-delete.ts). */
  async workflowDelete(req: wf.WorkflowDeleteRequest): Promise<wf.WorkflowDeleteResponse> {
    return this.logged('Cancel', { workflow: req.workflow, keyspace: req.keyspace }, () => workflowDelete(this.ctx, req));
  }

  /** Starts a VDiff of a workflow (see workflow/vdiff.ts). */
  async vDiffCreate(req: wf.VDiffCreateRequest): Promise<wf.VDiffCreateResponse> {
    return guard(() => this.vdiffs.create(this.ctx, req));
  }

  /** The results of a VDiff (see workflow/vdiff.ts). */
  async vDiffShow(req: wf.VDiffShowRequest): Promise<wf.VDiffShowResponse> {
    return guard(() => this.vdiffs.show(this.ctx, req));
  }
}

/** The log fields of a reparent's result: the tablet it promoted. */
function promoted(res: { promoted_primary: TabletAlias }): LogFields {
  return { promoted_primary: tabletAliasString(res.promoted_primary) };
}

/** Runs `op`, turning whatever it throws into a VtError (see toVtError). */
async function guard<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw toVtError(err);
  }
}

/** The value of `p`, or null when it fails with a topology NoNode. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isTopoError(err, 'NoNode')) return null;
    throw err;
  }
}
