/** vtgate's MySQL protocol server and the handler seam it calls. */
export { MysqlServer, type MysqlServerOptions } from './mysql-server.js';
export type { MysqlConnectionInfo, MysqlHandlerFactory, MysqlSessionHandler, MysqlSessionStatus } from './mysql-handler.js';
export { AuthServerStatic, parseAuthServerStaticConfig, type AuthServerStaticConfig, type AuthServerStaticEntry, type AuthServerStaticFlags, type MysqlAuthServer, type StaticUserData } from './auth-server-static.js';
export { nativePasswordHash, scrambleNativePassword } from './mysql-native-password.js';
