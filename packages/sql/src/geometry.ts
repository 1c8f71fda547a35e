/**
 * Spatial values as MySQL 8 stores them: the internal geometry format (a 4-byte little-endian SRID
 * followed by the geometry's WKB, little-endian), read from and written as WKT (`POINT(1 2)`,
 * `LINESTRING(0 0,1 1)`, `POLYGON((0 0,1 0,1 1,0 0))`, the MULTI… forms and GEOMETRYCOLLECTION)
 * and as WKB. SRID 0 (Cartesian) and 4326 (WGS 84, whose WKT and WKB give latitude first while the
 * stored value keeps longitude first, as MySQL does) are the spatial reference systems vtsim knows.
 */
import { sqlError } from '@vtsim/proto';

/** A geometry: WKB type code 1–7 and its coordinates (points are [x, y]). */
export type Geometry =
  | { kind: 1; point: [number, number] }
  | { kind: 2; points: [number, number][] }
  | { kind: 3; rings: [number, number][][] }
  | { kind: 4 | 5 | 6 | 7; parts: Geometry[] };

const NAMES = ['', 'POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION'];

/** The names of the WKB types, for messages (`POINT`, …). */
export function geometryTypeName(kind: number): string {
  return NAMES[kind] ?? 'GEOMETRY';
}

/** The column type names a geometry of each WKB type fits in, besides `geometry`. */
const COLUMN_NAMES = ['', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geomcollection'];

/** SRIDs vtsim knows (MySQL 8 ships thousands; these are the ones CDC fixtures use). */
const KNOWN_SRIDS = new Set([0, 4326]);

function invalidGeometry(fn: string) {
  return sqlError([3037, '22023'], `Invalid GIS data provided to function ${fn}.`);
}

function checkSrid(srid: number): void {
  if (!KNOWN_SRIDS.has(srid)) throw sqlError([3548, 'SR001'], `There's no spatial reference system with SRID ${srid}.`);
}

/** True for SRSs whose axis order is latitude–longitude (WKT/WKB order swapped against storage). */
const swapsAxes = (srid: number) => srid === 4326;

function mapPoints(g: Geometry, f: (p: [number, number]) => [number, number]): Geometry {
  switch (g.kind) {
    case 1: return { kind: 1, point: f(g.point) };
    case 2: return { kind: 2, points: g.points.map(f) };
    case 3: return { kind: 3, rings: g.rings.map((r) => r.map(f)) };
    default: return { kind: g.kind, parts: g.parts.map((p) => mapPoints(p, f)) };
  }
}

const swap = (p: [number, number]): [number, number] => [p[1], p[0]];

/** Checks a WGS 84 point (latitude, longitude) against MySQL's ranges; returns it unchanged. */
function checkLatLong(p: [number, number], fn: string): [number, number] {
  const [lat, long] = p;
  if (lat < -90 || lat > 90) {
    throw sqlError([3617, '22S03'], `Latitude ${lat.toFixed(6)} is out of range in function ${fn}. It must be within [-90.000000, 90.000000].`);
  }
  if (long <= -180 || long > 180) {
    throw sqlError([3616, '22S02'], `Longitude ${long.toFixed(6)} is out of range in function ${fn}. It must be within (-180.000000, 180.000000].`);
  }
  return p;
}

// ---- WKT ----------------------------------------------------------------------------------------

/** Parses WKT into a geometry; throws SqlError 3037 naming `fn` on bad text. */
export function parseWkt(text: string, fn: string): Geometry {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const bad = () => invalidGeometry(fn);
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) throw bad();
    i++;
  };
  const peek = () => {
    ws();
    return text[i];
  };
  const word = () => {
    ws();
    const m = /^[A-Za-z]+/.exec(text.slice(i));
    if (!m) throw bad();
    i += m[0].length;
    return m[0].toUpperCase();
  };
  const num = () => {
    ws();
    const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) throw bad();
    i += m[0].length;
    return Number(m[0]);
  };
  const coord = (): [number, number] => [num(), num()];
  const list = <T>(item: () => T): T[] => {
    expect('(');
    const out = [item()];
    while (peek() === ',') {
      i++;
      out.push(item());
    }
    expect(')');
    return out;
  };
  const ring = () => {
    const pts = list(coord);
    if (pts.length < 4 || pts[0]![0] !== pts[pts.length - 1]![0] || pts[0]![1] !== pts[pts.length - 1]![1]) throw bad();
    return pts;
  };
  const geometry = (): Geometry => {
    const kind = NAMES.indexOf(word());
    if (kind < 1) throw bad();
    switch (kind) {
      case 1: {
        expect('(');
        const p = coord();
        expect(')');
        return { kind: 1, point: p };
      }
      case 2: {
        const points = list(coord);
        if (points.length < 2) throw bad();
        return { kind: 2, points };
      }
      case 3: return { kind: 3, rings: list(ring) };
      case 4: return {
        kind: 4,
        parts: list(() => {
          if (peek() !== '(') return { kind: 1, point: coord() } as Geometry;
          expect('(');
          const p = coord();
          expect(')');
          return { kind: 1, point: p } as Geometry;
        }),
      };
      case 5: return { kind: 5, parts: list(() => ({ kind: 2, points: list(coord) }) as Geometry) };
      case 6: return { kind: 6, parts: list(() => ({ kind: 3, rings: list(ring) }) as Geometry) };
      default: {
        ws();
        if (/^EMPTY/i.test(text.slice(i))) {
          i += 5;
          return { kind: 7, parts: [] };
        }
        return { kind: 7, parts: list(geometry) };
      }
    }
  };
  const g = geometry();
  ws();
  if (i !== text.length) throw bad();
  return g;
}

/** Formats a coordinate as MySQL's ST_AsText does (shortest round-trip digits, no exponent for ordinary values). */
function formatCoord(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return String(n).replace('e+', 'e');
}

/** Formats a geometry as MySQL 8's WKT (`POINT(1 2)`, `MULTIPOINT((0 0),(1 1))`, commas without spaces). */
export function formatWkt(g: Geometry): string {
  const pt = (p: [number, number]) => `${formatCoord(p[0])} ${formatCoord(p[1])}`;
  const pts = (ps: [number, number][]) => `(${ps.map(pt).join(',')})`;
  const body = (x: Geometry): string => {
    switch (x.kind) {
      case 1: return `(${pt(x.point)})`;
      case 2: return pts(x.points);
      case 3: return `(${x.rings.map(pts).join(',')})`;
      case 7: return `(${x.parts.map(formatWkt).join(',')})`;
      default: return `(${x.parts.map(body).join(',')})`;
    }
  };
  return NAMES[g.kind] + body(g);
}

// ---- WKB ----------------------------------------------------------------------------------------

/** Encodes a geometry as little-endian WKB. */
export function toWkb(g: Geometry): Buffer {
  const chunks: Buffer[] = [];
  const header = (kind: number, count?: number) => {
    const b = Buffer.alloc(count === undefined ? 5 : 9);
    b[0] = 1;
    b.writeUInt32LE(kind, 1);
    if (count !== undefined) b.writeUInt32LE(count, 5);
    chunks.push(b);
  };
  const points = (ps: [number, number][], withCount: boolean) => {
    const b = Buffer.alloc((withCount ? 4 : 0) + ps.length * 16);
    let o = 0;
    if (withCount) o = b.writeUInt32LE(ps.length, 0);
    for (const p of ps) {
      o = b.writeDoubleLE(p[0], o);
      o = b.writeDoubleLE(p[1], o);
    }
    chunks.push(b);
  };
  const write = (x: Geometry) => {
    switch (x.kind) {
      case 1: header(1); points([x.point], false); break;
      case 2: header(2); points(x.points, true); break;
      case 3: header(3, x.rings.length); for (const r of x.rings) points(r, true); break;
      default: header(x.kind, x.parts.length); for (const p of x.parts) write(p);
    }
  };
  write(g);
  return Buffer.concat(chunks);
}

/** Decodes WKB (either byte order); throws SqlError 3037 naming `fn` on bad bytes. */
export function parseWkb(bytes: Uint8Array, fn: string): Geometry {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const need = (n: number) => {
    if (o + n > b.length) throw invalidGeometry(fn);
  };
  const read = (): Geometry => {
    need(5);
    const le = b[o] === 1;
    if (b[o] !== 0 && b[o] !== 1) throw invalidGeometry(fn);
    const u32 = () => {
      need(4);
      const v = le ? b.readUInt32LE(o) : b.readUInt32BE(o);
      o += 4;
      return v;
    };
    const f64 = () => {
      need(8);
      const v = le ? b.readDoubleLE(o) : b.readDoubleBE(o);
      o += 8;
      return v;
    };
    o++;
    const kind = u32();
    const coord = (): [number, number] => [f64(), f64()];
    const coords = () => Array.from({ length: u32() }, coord);
    switch (kind) {
      case 1: return { kind: 1, point: coord() };
      case 2: return { kind: 2, points: coords() };
      case 3: return { kind: 3, rings: Array.from({ length: u32() }, coords) };
      case 4: case 5: case 6: case 7: {
        const n = u32();
        const parts = Array.from({ length: n }, read);
        const want = kind === 7 ? 0 : kind - 3;
        if (want && parts.some((p) => p.kind !== want)) throw invalidGeometry(fn);
        return { kind, parts };
      }
      default: throw invalidGeometry(fn);
    }
  };
  const g = read();
  if (o !== b.length) throw invalidGeometry(fn);
  return g;
}

// ---- MySQL's internal format ----------------------------------------------------------------------

/**
 * The stored value of a geometry given in the SRS's axis order: SRID (4 bytes, little-endian) + WKB.
 * Throws SqlError 3548 for an SRID vtsim does not know (0 and 4326 are known), and for SRID 4326
 * 3617 / 3616 for a latitude outside [-90, 90] / a longitude outside (-180, 180], naming `fn`.
 */
export function storeGeometry(g: Geometry, srid: number, fn: string): Buffer {
  checkSrid(srid);
  if (srid === 4326) mapPoints(g, (p) => checkLatLong(p, fn));
  const wkb = toWkb(swapsAxes(srid) ? mapPoints(g, swap) : g);
  const out = Buffer.allocUnsafe(4 + wkb.length);
  out.writeUInt32LE(srid, 0);
  wkb.copy(out, 4);
  return out;
}

/** Reads a stored geometry: its SRID and the geometry in the SRS's axis order. Throws SqlError 3037 on bytes that are not one. */
export function loadGeometry(stored: Uint8Array, fn: string): { srid: number; geometry: Geometry } {
  if (stored.length < 9) throw invalidGeometry(fn);
  const srid = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).readUInt32LE(0);
  const g = parseWkb(stored.subarray(4), fn);
  return { srid, geometry: swapsAxes(srid) ? mapPoints(g, swap) : g };
}

/**
 * Checks a value bound for a spatial column of type `columnType` (`geometry`, `point`, …): it must be
 * a stored geometry of that kind. Throws SqlError 1416 (Cannot get geometry object…) otherwise, or
 * 3037 for bytes that hold no geometry.
 */
export function checkGeometryColumn(v: Uint8Array, columnType: string): void {
  const cannot = () => sqlError([1416, '22003'], 'Cannot get geometry object from data you send to the GEOMETRY field');
  if (v.length < 9) throw cannot();
  let kind: number;
  try {
    kind = parseWkb(v.subarray(4), 'st_geomfromwkb').kind;
  } catch {
    throw cannot();
  }
  if (columnType !== 'geometry' && COLUMN_NAMES[kind] !== columnType) throw cannot();
}
