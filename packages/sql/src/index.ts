/** @vtsim/sql: SQL parsing, column types, values and the expression engine shared by vttablet and vtgate. */
export * from './parse.js';
export * from './column-type.js';
export * from './field-metadata.js';
export * from './values.js';
export * from './expression.js';
export * from './aggregate.js';
export {
  arithmeticType, constant, isBinaryType, isDynamicType, isIntType, isNumericType, isTemporalType, isTextType,
  isUnsignedType, typed, unifyTypes, type EvalFn,
} from './compiled-expr.js';
export { makeComparator, type Comparator } from './comparison.js';
export { castTargetOf, castValue, type CastTarget } from './cast.js';
export { collationById, compareBytes, compareText, isBinaryCollation, resolveCollation, textKey, type CollationInfo } from './collation.js';
export { likeMatcher, type Matcher } from './like.js';
export { isDefaultKeyword } from './parser-respell.js';
export { NamedLocks } from './named-locks.js';
export * as decimal from './decimal.js';
export * as datetime from './datetime.js';
export { formatJson, parseJson, type JsonValue } from './json.js';
export { placeholderOffsets, splitStatements, stripLeadingComments } from './sql-scanner.js';
export { firstKeyword, SqlLexer, Tok, unquoteIdent, unquoteString } from './sql-lexer.js';
export { bindVarsIntoText, hasBindVarToken, literalItemName } from './select-item-name.js';
export { DEFAULT_SQL_MODE, MYSQL_VERSION, mysqlSystemVariableDefaults, systemVariableType } from './system-variable-defaults.js';
export { setUserVariable, userVariableType, userVariableTypeOf } from './user-variables.js';
export { normalizeSqlMode, sqlModeOf, type SqlMode } from './sql-mode.js';
export { applyAlterVschema, isAlterVschema, parseAlterVschema, type AlterVschema, type AlterVschemaAction, type QualifiedName } from './alter-vschema.js';
