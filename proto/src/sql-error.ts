/**
 * SqlError: the one error type every layer throws for SQL-visible failures. It carries MySQL's
 * errno and SQLSTATE (for the MySQL protocol) and a vtrpc code (for gRPC), like Vitess's
 * sqlerror.SQLError wrapped in a vterrors code.
 */
import { VtError } from './vt-error.js';
import { Code } from './vtrpc.js';

/** A failure with MySQL's errno and SQLSTATE and the matching vtrpc code. */
export class SqlError extends VtError {
  constructor(
    readonly errno: number,
    readonly sqlState: string,
    message: string,
    code: Code = codeForErrno(errno),
  ) {
    super(code, message);
    this.name = 'SqlError';
  }

  /** The message as the mysql client prints it after `ERROR errno (state):`, with Vitess's suffix. */
  vitessMessage(): string {
    return `${this.message} (errno ${this.errno}) (sqlstate ${this.sqlState})`;
  }
}

/** MySQL error numbers and SQLSTATEs vtsim raises: [errno, sqlstate]. */
export const ER = {
  UNKNOWN_ERROR: [1105, 'HY000'],
  PARSE_ERROR: [1064, '42000'],
  NO_SUCH_TABLE: [1146, '42S02'],
  BAD_TABLE_ERROR: [1051, '42S02'],
  TABLE_EXISTS_ERROR: [1050, '42S01'],
  BAD_FIELD_ERROR: [1054, '42S22'],
  NON_UNIQ_ERROR: [1052, '23000'],
  DUP_ENTRY: [1062, '23000'],
  DUP_FIELDNAME: [1060, '42S21'],
  DUP_KEYNAME: [1061, '42000'],
  MULTIPLE_PRI_KEY: [1068, '42000'],
  CANT_DROP_FIELD_OR_KEY: [1091, '42000'],
  BAD_NULL_ERROR: [1048, '23000'],
  NO_DEFAULT_FOR_FIELD: [1364, 'HY000'],
  WRONG_VALUE_COUNT_ON_ROW: [1136, '21S01'],
  WRONG_VALUE_COUNT: [1058, '21S01'],
  DATA_TOO_LONG: [1406, '22001'],
  WARN_DATA_OUT_OF_RANGE: [1264, '22003'],
  TRUNCATED_WRONG_VALUE: [1292, '22007'],
  ILLEGAL_VALUE_FOR_TYPE: [1367, '22007'],
  TRUNCATED_WRONG_VALUE_FOR_FIELD: [1366, 'HY000'],
  DIVISION_BY_ZERO: [1365, '22012'],
  BAD_DB_ERROR: [1049, '42000'],
  DB_CREATE_EXISTS: [1007, 'HY000'],
  DB_DROP_EXISTS: [1008, 'HY000'],
  NO_DB_ERROR: [1046, '3D000'],
  SP_DOES_NOT_EXIST: [1305, '42000'],
  WRONG_PARAMCOUNT_TO_NATIVE_FCT: [1582, '42000'],
  NOT_SUPPORTED_YET: [1235, '42000'],
  KEY_DOES_NOT_EXIST: [1176, '42000'],
  INVALID_GROUP_FUNC_USE: [1111, 'HY000'],
  WRONG_FIELD_WITH_GROUP: [1055, '42000'],
  NONUNIQ_TABLE: [1066, '42000'],
  OPERAND_COLUMNS: [1241, '21000'],
  SUBQUERY_NO_1_ROW: [1242, '21000'],
  LOCK_DEADLOCK: [1213, '40001'],
  LOCK_WAIT_TIMEOUT: [1205, 'HY000'],
  OPTION_PREVENTS_STATEMENT: [1290, 'HY000'],
  NET_PACKET_TOO_LARGE: [1153, '08S01'],
  UNKNOWN_SYSTEM_VARIABLE: [1193, 'HY000'],
  WRONG_VALUE_FOR_VAR: [1231, '42000'],
  TOO_BIG_PRECISION: [1426, '42000'],
  WRONG_DB_NAME: [1102, '42000'],
  WRONG_TABLE_NAME: [1103, '42000'],
  WRONG_COLUMN_NAME: [1166, '42000'],
  TOO_LONG_IDENT: [1059, '42000'],
  INVALID_DEFAULT: [1067, '42000'],
  WRONG_AUTO_KEY: [1075, '42000'],
  BLOB_KEY_WITHOUT_LENGTH: [1170, '42000'],
  EMPTY_QUERY: [1065, '42000'],
  UNKNOWN_COM_ERROR: [1047, '08S01'],
  ACCESS_DENIED_ERROR: [1045, '28000'],
  CANT_DO_THIS_DURING_AN_TRANSACTION: [1179, '25000'],
  QUERY_INTERRUPTED: [1317, '70100'],
  MASTER_FATAL_ERROR_READING_BINLOG: [1236, 'HY000'],
} as const satisfies Record<string, readonly [number, string]>;

/** Builds a SqlError from an {@link ER} entry and a message. */
export function sqlError(er: readonly [number, string], message: string, code?: Code): SqlError {
  return new SqlError(er[0], er[1], message, code);
}

/** The vtrpc code Vitess pairs with a MySQL errno when the error crosses gRPC. */
export function codeForErrno(errno: number): Code {
  switch (errno) {
    case 1146:
    case 1051:
    case 1049:
    case 1305:
      return Code.NOT_FOUND;
    case 1062:
    case 1050:
    case 1007:
      return Code.ALREADY_EXISTS;
    case 1064:
    case 1054:
    case 1052:
    case 1048:
    case 1136:
    case 1058:
    case 1406:
    case 1264:
    case 1292:
    case 1366:
    case 1367:
    case 1364:
    case 1060:
    case 1061:
    case 1091:
    case 1065:
      return Code.INVALID_ARGUMENT;
    case 1213:
      return Code.ABORTED;
    case 1205:
      return Code.DEADLINE_EXCEEDED;
    case 1290:
      return Code.FAILED_PRECONDITION;
    case 1153:
      return Code.RESOURCE_EXHAUSTED;
    case 1235:
      return Code.UNIMPLEMENTED;
    case 1317:
      return Code.CANCELED;
    default:
      return Code.UNKNOWN;
  }
}
