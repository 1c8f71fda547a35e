/**
 * MoveTables' routing rules as pure functions (Vitess's workflow routing-rule updates): what
 * create, switching reads, switching writes and complete do to the rules of the moved tables.
 * Rules are kept in their existing order; new ones are appended.
 */
import type { RoutingRules } from '@vtsim/proto';

/** Rules as an ordered map from `from_table` to `to_tables`. */
export type RuleMap = Map<string, string[]>;

/** The rules as an ordered map. */
export function ruleMap(rules: RoutingRules): RuleMap {
  return new Map(rules.rules.map((r) => [r.from_table, [...r.to_tables]]));
}

/** The map back as routing rules. */
export function toRoutingRules(map: RuleMap): RoutingRules {
  return { rules: [...map].map(([from_table, to_tables]) => ({ from_table, to_tables })) };
}

/** The read tablet types MoveTables routes with `@type` rules. */
export const READ_TYPES = ['replica', 'rdonly'] as const;

/** A read tablet type's rule suffix. */
export type ReadType = (typeof READ_TYPES)[number];

/**
 * The rules MoveTables create adds: every name a query may use for a moved table (`t`,
 * `t@replica`, `t@rdonly`, `target.t` and its read variants, `source.t@replica|rdonly`) goes to
 * the source table until traffic is switched.
 */
export function addCreateRules(map: RuleMap, sourceKeyspace: string, targetKeyspace: string, tables: readonly string[]): RuleMap {
  for (const t of tables) {
    const toSource = [`${sourceKeyspace}.${t}`];
    for (const from of [t, `${targetKeyspace}.${t}`]) {
      map.set(from, toSource);
      for (const rt of READ_TYPES) map.set(`${from}@${rt}`, toSource);
    }
    for (const rt of READ_TYPES) map.set(`${sourceKeyspace}.${t}@${rt}`, toSource);
  }
  return map;
}

/**
 * Points the `@type` rules of each table at `toKeyspace` (switching reads forward, or back with
 * the source keyspace as `toKeyspace`).
 */
export function switchReadRules(
  map: RuleMap,
  sourceKeyspace: string,
  targetKeyspace: string,
  tables: readonly string[],
  types: readonly ReadType[],
  toKeyspace: string,
): RuleMap {
  for (const t of tables) {
    const to = [`${toKeyspace}.${t}`];
    for (const rt of types) {
      for (const from of [t, `${targetKeyspace}.${t}`, `${sourceKeyspace}.${t}`]) map.set(`${from}@${rt}`, to);
    }
  }
  return map;
}

/**
 * Switches the primary rules to the target: `t` and `source.t` go to `target.t`, and the rule
 * for `target.t` itself is dropped.
 */
export function switchWriteRules(map: RuleMap, sourceKeyspace: string, targetKeyspace: string, tables: readonly string[]): RuleMap {
  for (const t of tables) {
    const to = [`${targetKeyspace}.${t}`];
    map.delete(`${targetKeyspace}.${t}`);
    map.set(t, to);
    map.set(`${sourceKeyspace}.${t}`, to);
  }
  return map;
}

/** Drops every rule naming a moved table, in either keyspace (complete and cancel). */
export function deleteTableRules(map: RuleMap, keyspaces: readonly string[], tables: readonly string[]): RuleMap {
  for (const t of tables) {
    for (const from of [t, ...keyspaces.map((ks) => `${ks}.${t}`)]) {
      map.delete(from);
      for (const rt of READ_TYPES) map.delete(`${from}@${rt}`);
    }
  }
  return map;
}

/** The keyspace a rule sends `from` to (the first target's keyspace), undefined without a rule. */
export function routedKeyspace(map: RuleMap, from: string): string | undefined {
  const to = map.get(from)?.[0];
  return to === undefined ? undefined : to.split('.')[0];
}
