/**
 * DATE, DATETIME, TIMESTAMP and TIME values: parsing MySQL's accepted text forms, canonical formatting,
 * calendar arithmetic (INTERVAL), DATE_FORMAT. All computations are on the proleptic Gregorian calendar
 * in UTC (vtsim's session time zone); no global clock is read here.
 */
import { ER, sqlError } from '@vtsim/proto';

/** A calendar date and time of day with microseconds. */
export interface DateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

/** A TIME value: a signed duration up to ±838:59:59.999999. */
export interface Time {
  neg: boolean;
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

/** Microseconds in one day. */
export const MICROS_PER_DAY = 86_400_000_000;
const MAX_TIME_MICROS = (838 * 3600 + 59 * 60 + 59) * 1_000_000;

/** Days from 1970-01-01 to the given civil date (negative before). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date `days` days after 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** True for leap years. */
export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in a month (1–12) of a year. */
export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

function twoDigitYear(y: number, digits: number): number {
  if (digits > 2) return y;
  return y < 70 ? 2000 + y : 1900 + y;
}

function fractionMicros(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + '000000').slice(0, 6));
}

/** True when every part is in its field's range (month 0–12, day 0–31): the shape of a date, not yet a calendar date. */
function inRange(dt: DateTime): boolean {
  return dt.year >= 0 && dt.year <= 9999 && dt.month <= 12 && dt.day <= 31 && dt.hour < 24 && dt.minute < 60 && dt.second < 60;
}

/**
 * Why a date-shaped value is not a calendar date, as sql_mode judges it: `zero-date` for
 * 0000-00-00 (NO_ZERO_DATE), `zero-in-date` for a zero month or day (NO_ZERO_IN_DATE),
 * `invalid-date` for a day past the month's end (ALLOW_INVALID_DATES); undefined for a real date.
 */
export function dateProblem(dt: DateTime): 'zero-date' | 'zero-in-date' | 'invalid-date' | undefined {
  if (dt.year === 0 && dt.month === 0 && dt.day === 0) return 'zero-date';
  if (dt.month === 0 || dt.day === 0) return 'zero-in-date';
  if (dt.day > daysInMonth(dt.year, dt.month)) return 'invalid-date';
  return undefined;
}

const DELIMITED = /^\s*(\d{1,4})[-/.:_](\d{1,2})[-/.:_](\d{1,2})(?:(?:\s+|T)(\d{1,2})(?:[-:.](\d{1,2}))?(?:[-:.](\d{1,2}))?(?:\.(\d*))?)?\s*$/;
const COMPACT = /^\s*(\d{14}|\d{12}|\d{8}|\d{6})(?:\.(\d*))?\s*$/;

/**
 * Parses a DATE or DATETIME in any form MySQL accepts in strict mode (`2024-01-31`, `2024/1/31 5:06:07.5`,
 * `20240131`, `240131120000`), with 2-digit years mapped to 1970–2069. The fraction is kept to 6 digits
 * (callers round with {@link roundFraction}). Returns null for text that is not a valid date, including
 * zero dates and zero month/day parts (strict NO_ZERO_DATE / NO_ZERO_IN_DATE).
 */
export function parseDateTime(text: string): DateTime | null {
  const dt = parseDateTimeParts(text);
  return dt !== null && dateProblem(dt) === undefined ? dt : null;
}

/**
 * Like {@link parseDateTime}, but returns date-shaped values that are not calendar dates too (zero
 * dates, zero month or day, 31 February): what {@link dateProblem} classifies for sql_mode.
 */
export function parseDateTimeParts(text: string): DateTime | null {
  let dt: DateTime;
  let m = DELIMITED.exec(text);
  if (m) {
    dt = {
      year: twoDigitYear(Number(m[1]), m[1]!.length),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: m[4] ? Number(m[4]) : 0,
      minute: m[5] ? Number(m[5]) : 0,
      second: m[6] ? Number(m[6]) : 0,
      micro: fractionMicros(m[7]),
    };
  } else {
    m = COMPACT.exec(text);
    if (!m) return null;
    const s = m[1]!;
    const yl = s.length === 14 || s.length === 8 ? 4 : 2;
    const num = (at: number, len: number) => Number(s.slice(at, at + len));
    dt = {
      year: twoDigitYear(num(0, yl), yl),
      month: num(yl, 2),
      day: num(yl + 2, 2),
      hour: s.length > 8 ? num(yl + 4, 2) : 0,
      minute: s.length > 8 ? num(yl + 6, 2) : 0,
      second: s.length > 8 ? num(yl + 8, 2) : 0,
      micro: fractionMicros(m[2]),
    };
  }
  return inRange(dt) ? dt : null;
}

/** Converts an integer like `20240131` or `20240131123000` to a datetime; null if invalid. */
export function dateTimeFromNumber(n: bigint): DateTime | null {
  if (n <= 0n) return null;
  const s = n.toString();
  if (s.length <= 8) return parseDateTime(s.padStart(s.length <= 6 ? 6 : 8, '0'));
  return parseDateTime(s.padStart(s.length <= 12 ? 12 : 14, '0'));
}

const TIME_RE = /^\s*(-)?(?:(\d+)\s+)?(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?(?:\.(\d*))?\s*$/;

/**
 * Parses a TIME (`12:30:00`, `-1 02:00`, `838:59:59.5`, `123000`, `12:30`); a full datetime yields its
 * time of day. Returns null when invalid or beyond ±838:59:59.
 */
export function parseTime(text: string): Time | null {
  const m = TIME_RE.exec(text);
  if (!m) {
    const dt = parseDateTime(text);
    return dt ? { neg: false, hour: dt.hour, minute: dt.minute, second: dt.second, micro: dt.micro } : null;
  }
  let hour: number;
  let minute: number;
  let second: number;
  if (m[4] === undefined && m[2] === undefined) {
    // Compact HHMMSS / MMSS / SS.
    const digits = m[3]!;
    const v = Number(digits);
    if (digits.length > 7) {
      const dt = parseDateTime(text);
      return dt ? { neg: false, hour: dt.hour, minute: dt.minute, second: dt.second, micro: dt.micro } : null;
    }
    hour = Math.floor(v / 10000);
    minute = Math.floor(v / 100) % 100;
    second = v % 100;
  } else {
    hour = Number(m[3]) + (m[2] ? Number(m[2]) * 24 : 0);
    minute = m[4] ? Number(m[4]) : 0;
    second = m[5] ? Number(m[5]) : 0;
  }
  if (minute >= 60 || second >= 60) return null;
  const t: Time = { neg: m[1] === '-', hour, minute, second, micro: fractionMicros(m[6]) };
  return Math.abs(timeToMicros(t)) > MAX_TIME_MICROS + 999_999 ? null : t;
}

/** Converts a TIME to signed microseconds. */
export function timeToMicros(t: Time): number {
  const v = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.micro;
  return t.neg ? -v : v;
}

/** Converts signed microseconds to a TIME (clamped to ±838:59:59.999999 is the caller's job). */
export function timeFromMicros(us: number): Time {
  const neg = us < 0;
  let v = Math.abs(us);
  const micro = v % 1_000_000;
  v = Math.floor(v / 1_000_000);
  return { neg, hour: Math.floor(v / 3600), minute: Math.floor(v / 60) % 60, second: v % 60, micro };
}

/** Microseconds since 1970-01-01 00:00:00 (UTC) of a datetime. */
export function dateTimeToMicros(dt: DateTime): number {
  return daysFromCivil(dt.year, dt.month, dt.day) * MICROS_PER_DAY + ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1_000_000 + dt.micro;
}

/** The datetime `us` microseconds after 1970-01-01 00:00:00 (UTC). */
export function dateTimeFromMicros(us: number): DateTime {
  const days = Math.floor(us / MICROS_PER_DAY);
  let rem = us - days * MICROS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const micro = rem % 1_000_000;
  rem = Math.floor(rem / 1_000_000);
  return { year, month, day, hour: Math.floor(rem / 3600), minute: Math.floor(rem / 60) % 60, second: rem % 60, micro };
}

/** Rounds the fraction of a datetime half up to `fsp` digits (0–6), carrying into seconds and beyond. */
export function roundFraction(dt: DateTime, fsp: number): DateTime {
  const unit = 10 ** (6 - fsp);
  const r = Math.round(dt.micro / unit) * unit;
  if (r === dt.micro) return dt;
  return dateTimeFromMicros(dateTimeToMicros(dt) - dt.micro + r);
}

/** Rounds the fraction of a TIME half up to `fsp` digits. */
export function roundTimeFraction(t: Time, fsp: number): Time {
  const unit = 10 ** (6 - fsp);
  const r = Math.round(t.micro / unit) * unit;
  if (r === t.micro) return t;
  const us = Math.abs(timeToMicros(t)) - t.micro + r;
  return timeFromMicros(t.neg ? -us : us);
}

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

function fraction(micro: number, fsp: number): string {
  return fsp > 0 ? '.' + String(micro).padStart(6, '0').slice(0, fsp) : '';
}

/** Formats the date part: `YYYY-MM-DD`. */
export function formatDate(dt: DateTime): string {
  return `${pad4(dt.year)}-${pad2(dt.month)}-${pad2(dt.day)}`;
}

/** Formats a datetime: `YYYY-MM-DD HH:MM:SS` plus `fsp` fraction digits. */
export function formatDateTime(dt: DateTime, fsp = 0): string {
  return `${formatDate(dt)} ${pad2(dt.hour)}:${pad2(dt.minute)}:${pad2(dt.second)}${fraction(dt.micro, fsp)}`;
}

/** Formats a TIME: `[-]HH:MM:SS` plus `fsp` fraction digits (hours may exceed 24). */
export function formatTime(t: Time, fsp = 0): string {
  const neg = t.neg && timeToMicros(t) !== 0 ? '-' : '';
  return `${neg}${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}${fraction(t.micro, fsp)}`;
}

/** Number of fraction digits present in a canonical temporal text (0–6). */
export function fractionDigits(text: string): number {
  const i = text.indexOf('.');
  return i < 0 ? 0 : Math.min(6, text.length - i - 1);
}

/** The INTERVAL units MySQL accepts, upper-case. */
export type IntervalUnit =
  | 'MICROSECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR'
  | 'SECOND_MICROSECOND' | 'MINUTE_MICROSECOND' | 'MINUTE_SECOND' | 'HOUR_MICROSECOND' | 'HOUR_SECOND'
  | 'HOUR_MINUTE' | 'DAY_MICROSECOND' | 'DAY_SECOND' | 'DAY_MINUTE' | 'DAY_HOUR' | 'YEAR_MONTH';

const SIMPLE_MICROS: Record<string, number> = {
  MICROSECOND: 1,
  SECOND: 1_000_000,
  MINUTE: 60_000_000,
  HOUR: 3_600_000_000,
  DAY: MICROS_PER_DAY,
  WEEK: 7 * MICROS_PER_DAY,
};

/** A parsed interval: a month count and a microsecond count (one of them zero except for odd inputs). */
export interface Interval {
  months: number;
  micros: number;
}

/** True when `unit` is an INTERVAL unit MySQL knows. */
export function isIntervalUnit(unit: string): unit is IntervalUnit {
  return /^(MICROSECOND|SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|QUARTER|YEAR|SECOND_MICROSECOND|MINUTE_MICROSECOND|MINUTE_SECOND|HOUR_MICROSECOND|HOUR_SECOND|HOUR_MINUTE|DAY_MICROSECOND|DAY_SECOND|DAY_MINUTE|DAY_HOUR|YEAR_MONTH)$/.test(unit);
}

/**
 * Builds an interval from its amount (a number, or text such as `'1:30'` for compound units) and unit.
 * Returns null when the amount cannot be read.
 */
export function makeInterval(amount: number | string, unit: IntervalUnit): Interval | null {
  if (unit in SIMPLE_MICROS) {
    const n = typeof amount === 'number' ? amount : Number(amount);
    if (!Number.isFinite(n)) return null;
    // Only SECOND keeps a fraction; other units round half away from zero (MICROSECOND truncates).
    const whole = unit === 'SECOND' ? n : unit === 'MICROSECOND' ? Math.trunc(n) : Math.sign(n) * Math.round(Math.abs(n));
    return { months: 0, micros: Math.round(whole * SIMPLE_MICROS[unit]!) };
  }
  if (unit === 'MONTH' || unit === 'QUARTER' || unit === 'YEAR') {
    const x = typeof amount === 'number' ? amount : Number(amount);
    const n = Math.sign(x) * Math.round(Math.abs(x));
    if (!Number.isFinite(n)) return null;
    return { months: n * (unit === 'MONTH' ? 1 : unit === 'QUARTER' ? 3 : 12), micros: 0 };
  }
  const text = String(amount).trim();
  const neg = text.startsWith('-');
  const parts = text.replace(/^-/, '').split(/[^0-9]+/).filter((p) => p !== '').map(Number);
  const sign = neg ? -1 : 1;
  if (unit === 'YEAR_MONTH') {
    const [y = 0, mo = 0] = parts.length === 1 ? [0, parts[0]] : parts;
    return { months: sign * (y * 12 + mo), micros: 0 };
  }
  const fields: Record<string, string[]> = {
    SECOND_MICROSECOND: ['SECOND', 'MICROSECOND'],
    MINUTE_MICROSECOND: ['MINUTE', 'SECOND', 'MICROSECOND'],
    MINUTE_SECOND: ['MINUTE', 'SECOND'],
    HOUR_MICROSECOND: ['HOUR', 'MINUTE', 'SECOND', 'MICROSECOND'],
    HOUR_SECOND: ['HOUR', 'MINUTE', 'SECOND'],
    HOUR_MINUTE: ['HOUR', 'MINUTE'],
    DAY_MICROSECOND: ['DAY', 'HOUR', 'MINUTE', 'SECOND', 'MICROSECOND'],
    DAY_SECOND: ['DAY', 'HOUR', 'MINUTE', 'SECOND'],
    DAY_MINUTE: ['DAY', 'HOUR', 'MINUTE'],
    DAY_HOUR: ['DAY', 'HOUR'],
  };
  const names = fields[unit]!;
  if (parts.length > names.length) return null;
  // Missing leading parts are zero: '5:30' as DAY_MINUTE means 5 hours 30 minutes.
  const used = names.slice(names.length - parts.length);
  let micros = 0;
  used.forEach((n, i) => {
    const v = parts[i]!;
    micros += n === 'MICROSECOND' ? Number(String(v).padEnd(6, '0').slice(0, 6)) : v * SIMPLE_MICROS[n]!;
  });
  return { months: 0, micros: sign * micros };
}

/**
 * Adds an interval to a datetime (month arithmetic clamps the day to the month's end, as MySQL does).
 * Returns null when the result leaves years 0–9999.
 */
export function addInterval(dt: DateTime, iv: Interval): DateTime | null {
  let r = dt;
  if (iv.months !== 0) {
    const total = dt.year * 12 + (dt.month - 1) + iv.months;
    const year = Math.floor(total / 12);
    const month = total - year * 12 + 1;
    r = { ...dt, year, month, day: Math.min(dt.day, daysInMonth(year, month)) };
  }
  if (iv.micros !== 0) r = dateTimeFromMicros(dateTimeToMicros(r) + iv.micros);
  return r.year < 0 || r.year > 9999 ? null : r;
}

/** Day of week, 0 = Sunday … 6 = Saturday. */
export function weekday(dt: DateTime): number {
  return (((daysFromCivil(dt.year, dt.month, dt.day) + 4) % 7) + 7) % 7;
}

/** Day of year, 1–366. */
export function dayOfYear(dt: DateTime): number {
  return daysFromCivil(dt.year, dt.month, dt.day) - daysFromCivil(dt.year, 1, 1) + 1;
}

/** English day names, Sunday first. */
export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** English month names, January first. */
export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return n + 'th';
  return n + (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
}

/**
 * Formats a datetime with DATE_FORMAT's `%` specifiers (%Y %y %m %c %d %e %D %H %k %h %I %l %i %s %S %f
 * %p %r %T %W %a %M %b %j %w %U %%); an unknown specifier yields its character.
 */
export function dateFormat(dt: DateTime, format: string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i === format.length - 1) {
      out += c;
      continue;
    }
    const f = format[++i]!;
    const h12 = dt.hour % 12 === 0 ? 12 : dt.hour % 12;
    switch (f) {
      case 'Y': out += pad4(dt.year); break;
      case 'y': out += pad2(dt.year % 100); break;
      case 'm': out += pad2(dt.month); break;
      case 'c': out += dt.month; break;
      case 'd': out += pad2(dt.day); break;
      case 'e': out += dt.day; break;
      case 'D': out += ordinal(dt.day); break;
      case 'H': out += pad2(dt.hour); break;
      case 'k': out += dt.hour; break;
      case 'h': case 'I': out += pad2(h12); break;
      case 'l': out += h12; break;
      case 'i': out += pad2(dt.minute); break;
      case 's': case 'S': out += pad2(dt.second); break;
      case 'f': out += String(dt.micro).padStart(6, '0'); break;
      case 'p': out += dt.hour < 12 ? 'AM' : 'PM'; break;
      case 'r': out += `${pad2(h12)}:${pad2(dt.minute)}:${pad2(dt.second)} ${dt.hour < 12 ? 'AM' : 'PM'}`; break;
      case 'T': out += `${pad2(dt.hour)}:${pad2(dt.minute)}:${pad2(dt.second)}`; break;
      case 'W': out += DAY_NAMES[weekday(dt)]; break;
      case 'a': out += DAY_NAMES[weekday(dt)]!.slice(0, 3); break;
      case 'M': out += MONTH_NAMES[dt.month - 1]; break;
      case 'b': out += MONTH_NAMES[dt.month - 1]!.slice(0, 3); break;
      case 'j': out += String(dayOfYear(dt)).padStart(3, '0'); break;
      case 'w': out += weekday(dt); break;
      case 'U': {
        const jan1 = weekday({ ...dt, month: 1, day: 1 });
        out += pad2(Math.floor((dayOfYear(dt) - 1 + jan1) / 7));
        break;
      }
      default: out += f;
    }
  }
  return out;
}

/** Whole months from a to b, counting a month only once b's day and time reach a's (TIMESTAMPDIFF MONTH). */
export function monthsBetween(a: DateTime, b: DateTime): number {
  let months = (b.year - a.year) * 12 + (b.month - a.month);
  const aRest = dateTimeToMicros({ ...a, year: 1970, month: 1 });
  const bRest = dateTimeToMicros({ ...b, year: 1970, month: 1 });
  if (months > 0 && bRest < aRest) months--;
  else if (months < 0 && bRest > aRest) months++;
  return months;
}

/**
 * MySQL's week number of a date for WEEK(date, mode) and YEARWEEK (mode 0–7 as in its docs: bit 0 Monday
 * first, bit 1 weeks 1–53 rather than 0–53, bit 2 week 1 is the first with a Sunday/Monday rather than
 * the first with 4+ days); with `yearWeek`, weeks belong to a week-year (YEARWEEK). Returns the week and
 * its year (MySQL's calc_week).
 */
export function calcWeek(dt: DateTime, mode: number, yearWeek = false): { week: number; year: number } {
  let behaviour = mode & 7;
  if (!(behaviour & 1)) behaviour ^= 4;
  if (yearWeek) behaviour |= 2;
  const mondayFirst = (behaviour & 1) !== 0;
  let weekYear = (behaviour & 2) !== 0;
  const firstWeekday = (behaviour & 4) !== 0;
  const dayNumber = daysFromCivil(dt.year, dt.month, dt.day);
  let firstDay = daysFromCivil(dt.year, 1, 1);
  // 0 = the week's first day (Monday, or Sunday when weeks start on Sunday); 1970-01-01 was a Thursday.
  let wd = (((firstDay + (mondayFirst ? 3 : 4)) % 7) + 7) % 7;
  let year = dt.year;
  const startsLate = (w: number) => (firstWeekday && w !== 0) || (!firstWeekday && w >= 4);
  if (dt.month === 1 && dt.day <= 7 - wd) {
    if (!weekYear && startsLate(wd)) return { week: 0, year };
    weekYear = true;
    year--;
    const days = isLeapYear(year) ? 366 : 365;
    firstDay -= days;
    wd = (wd + 53 * 7 - days) % 7;
  }
  const days = startsLate(wd) ? dayNumber - (firstDay + (7 - wd)) : dayNumber - (firstDay - wd);
  if (weekYear && days >= 52 * 7) {
    const next = (wd + (isLeapYear(year) ? 366 : 365)) % 7;
    if (!startsLate(next)) return { week: 1, year: year + 1 };
  }
  return { week: Math.floor(days / 7) + 1, year };
}

/** What STR_TO_DATE read: the value, and whether the format had date and time parts. */
export interface ParsedWithFormat {
  value: DateTime;
  hasDate: boolean;
  hasTime: boolean;
  hasFraction: boolean;
}

const ABBREVIATED = (names: string[]) => names.map((n) => n.slice(0, 3).toLowerCase());

/**
 * Which parts a STR_TO_DATE format sets: date parts, time parts, a fraction (MySQL picks the result type,
 * DATE, TIME or DATETIME, from these when the format is a constant).
 */
export function formatParts(format: string): { hasDate: boolean; hasTime: boolean; hasFraction: boolean } {
  let hasDate = false;
  let hasTime = false;
  let hasFraction = false;
  for (let i = 0; i < format.length - 1; i++) {
    if (format[i] !== '%') continue;
    const f = format[++i]!;
    if ('YyMmbcDdejaWUuVvXx'.includes(f)) hasDate = true;
    if ('HkhIlipTrSsf'.includes(f)) hasTime = true;
    if (f === 'f') hasFraction = true;
  }
  return { hasDate, hasTime, hasFraction };
}

/**
 * Reads `text` by a DATE_FORMAT-style format as STR_TO_DATE does (MySQL's extract_date_time): spaces
 * before each format element are skipped, literal characters must match, numbers take at most their
 * width in digits, `%p` applies to a 12-hour hour; trailing text is ignored. Null when the text does not
 * match or a part is out of range; SqlError 1235 for a week specifier (%U %u %V %v %X %x), which vtsim
 * does not read.
 */
export function parseWithFormat(text: string, format: string): ParsedWithFormat | null {
  const dt: DateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micro: 0 };
  let pm: boolean | null = null;
  let hour12 = false;
  let yearDay = 0;
  let v = 0;
  const skipSpaces = () => {
    while (v < text.length && /\s/.test(text[v]!)) v++;
  };
  const num = (width: number): number | null => {
    let j = v;
    if (text[j] === '+' || text[j] === '-') return null;
    while (j < text.length && j - v < width && text[j]! >= '0' && text[j]! <= '9') j++;
    if (j === v) return null;
    const n = Number(text.slice(v, j));
    v = j;
    return n;
  };
  const name = (names: string[]): number | null => {
    const rest = text.slice(v).toLowerCase();
    const i = names.findIndex((n) => rest.startsWith(n.toLowerCase()));
    if (i < 0) return null;
    v += names[i]!.length;
    return i;
  };
  const fmtParts = formatParts(format);
  for (let p = 0; p < format.length; p++) {
    skipSpaces();
    if (v >= text.length) break;
    const c = format[p]!;
    if (c !== '%' || p === format.length - 1) {
      if (/\s/.test(c)) continue;
      if (text[v] !== c) return null;
      v++;
      continue;
    }
    const f = format[++p]!;
    let n: number | null = 0;
    switch (f) {
      case 'Y': {
        const start = v;
        n = num(4);
        if (n !== null && v - start <= 2) n += n < 70 ? 2000 : 1900;
        if (n !== null) dt.year = n;
        break;
      }
      case 'y': n = num(2); if (n !== null) dt.year = n + (n < 70 ? 2000 : 1900); break;
      case 'm': case 'c': n = num(2); if (n !== null) dt.month = n; break;
      case 'M': n = name(MONTH_NAMES); if (n !== null) dt.month = n + 1; break;
      case 'b': n = name(ABBREVIATED(MONTH_NAMES)); if (n !== null) dt.month = n + 1; break;
      case 'd': case 'e': n = num(2); if (n !== null) dt.day = n; break;
      case 'D': n = num(2); if (n !== null) { dt.day = n; v += Math.min(2, text.length - v); } break;
      case 'H': case 'k': n = num(2); if (n !== null) dt.hour = n; break;
      case 'h': case 'I': case 'l': n = num(2); if (n !== null) { dt.hour = n; hour12 = true; } break;
      case 'i': n = num(2); if (n !== null) dt.minute = n; break;
      case 's': case 'S': n = num(2); if (n !== null) dt.second = n; break;
      case 'f': {
        const start = v;
        n = num(6);
        if (n !== null) dt.micro = n * 10 ** (6 - (v - start));
        break;
      }
      case 'p': {
        const ap = text.slice(v, v + 2).toUpperCase();
        if (ap !== 'AM' && ap !== 'PM') return null;
        pm = ap === 'PM';
        v += 2;
        break;
      }
      case 'j': n = num(3); if (n !== null) yearDay = n; break;
      case 'W': n = name(DAY_NAMES); break;
      case 'a': n = name(ABBREVIATED(DAY_NAMES)); break;
      case 'T': case 'r': {
        const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})/.exec(text.slice(v));
        if (!m) return null;
        dt.hour = Number(m[1]);
        dt.minute = Number(m[2]);
        dt.second = Number(m[3]);
        v += m[0].length;
        if (f === 'r') {
          hour12 = true;
          skipSpaces();
          const ap = text.slice(v, v + 2).toUpperCase();
          if (ap === 'AM' || ap === 'PM') {
            pm = ap === 'PM';
            v += 2;
          }
        }
        break;
      }
      case 'U': case 'u': case 'V': case 'v': case 'X': case 'x':
        throw sqlError(ER.NOT_SUPPORTED_YET, `This version of vtsim doesn't yet support 'STR_TO_DATE with %${f}'`);
      case '%': if (text[v] !== '%') return null; v++; break;
      default: if (text[v] !== f) return null; v++;
    }
    if (n === null) return null;
  }
  if (hour12) {
    if (dt.hour < 1 || dt.hour > 12) return null;
    if (pm !== null) dt.hour = (dt.hour % 12) + (pm ? 12 : 0);
  } else if (pm !== null) return null;
  if (yearDay > 0) {
    if (yearDay > (isLeapYear(dt.year) ? 366 : 365)) return null;
    const { month, day } = civilFromDays(daysFromCivil(dt.year, 1, 1) + yearDay - 1);
    dt.month = month;
    dt.day = day;
  }
  if (dt.month > 12 || dt.day > 31 || dt.hour > 23 || dt.minute > 59 || dt.second > 59) return null;
  return { value: dt, ...fmtParts };
}

/**
 * Formats a TIME with TIME_FORMAT's specifiers: the hour ones (%H %k may exceed 23; %h %I %l %p %r take
 * it modulo 24), %i %s %S %f %T and %%; the date ones give zeros (%Y %y %m %c %d %e) or make the whole
 * result NULL (names, ordinals, weeks, day of year), as MySQL does. A negative time starts with '-'.
 */
export function timeFormat(t: Time, format: string): string | null {
  let out = t.neg && timeToMicros(t) !== 0 ? '-' : '';
  const h24 = t.hour % 24;
  const h12 = ((h24 + 11) % 12) + 1;
  const ampm = h24 < 12 ? 'AM' : 'PM';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i === format.length - 1) {
      out += c;
      continue;
    }
    const f = format[++i]!;
    switch (f) {
      case 'H': out += pad2(t.hour); break;
      case 'k': out += t.hour; break;
      case 'h': case 'I': out += pad2(h12); break;
      case 'l': out += h12; break;
      case 'i': out += pad2(t.minute); break;
      case 's': case 'S': out += pad2(t.second); break;
      case 'f': out += String(t.micro).padStart(6, '0'); break;
      case 'p': out += ampm; break;
      case 'r': out += `${pad2(h12)}:${pad2(t.minute)}:${pad2(t.second)} ${ampm}`; break;
      case 'T': out += `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`; break;
      case 'Y': out += '0000'; break;
      case 'y': case 'm': case 'd': out += '00'; break;
      case 'c': case 'e': out += '0'; break;
      case 'W': case 'a': case 'M': case 'b': case 'D': case 'j': case 'w': case 'U': case 'u': case 'V': case 'v': case 'X': case 'x':
        return null;
      default: out += f;
    }
  }
  return out;
}
