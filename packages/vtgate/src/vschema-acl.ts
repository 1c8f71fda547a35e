/**
 * VSchemaAcl: who may run ALTER VSCHEMA through vtgate (Vitess's vschemaacl and vtgate's
 * `--vschema_ddl_authorized_users`): `%` lets every user, a comma-separated list names the users
 * (spaces around names ignored), and an empty value (the default) lets nobody.
 */
import { Code, ER, SqlError } from '@vtsim/proto';

/** The parsed `--vschema_ddl_authorized_users` value. */
export class VSchemaAcl {
  private readonly allowAll: boolean;
  private readonly users: ReadonlySet<string>;

  constructor(authorizedUsers = '') {
    this.allowAll = authorizedUsers.trim() === '%';
    this.users = new Set(this.allowAll ? [] : authorizedUsers.split(',').map((u) => u.trim()).filter((u) => u !== ''));
  }

  /** True when `user` may change the VSchema. */
  authorized(user: string): boolean {
    return this.allowAll || this.users.has(user);
  }

  /**
   * Throws Vitess's PERMISSION_DENIED error unless `user` may change the VSchema: on the MySQL
   * protocol ERROR 1045 (28000) `User 'x' is not authorized to perform vschema operations`.
   */
  check(user: string): void {
    if (this.authorized(user)) return;
    const [errno, state] = ER.ACCESS_DENIED_ERROR;
    throw new SqlError(errno, state, `User '${user}' is not authorized to perform vschema operations`, Code.PERMISSION_DENIED);
  }
}
