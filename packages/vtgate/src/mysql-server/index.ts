/** vtgate's MySQL protocol server and the handler seam it calls. */
export { MysqlServer, type MysqlServerOptions } from './mysql-server.js';
export type { MysqlConnectionInfo, MysqlHandlerFactory, MysqlSessionHandler, MysqlSessionStatus } from './mysql-handler.js';
