import { describe, expect, it } from 'vitest';
import { Type } from '@vtsim/proto';
import { errorOf, ev, typeOf } from './helpers.js';

const hex = (v: unknown) => Buffer.from(v as Uint8Array).toString('hex').toUpperCase();

describe('spatial functions (MySQL 8 reference manual, 13.4.3 Internal Geometry Storage Format)', () => {
  it('stores SRID + little-endian WKB', () => {
    // The manual's example: SET @g = ST_GeomFromText('POINT(1 -1)'); SELECT HEX(@g).
    expect(hex(ev("st_geomfromtext('POINT(1 -1)')"))).toBe('000000000101000000000000000000F03F000000000000F0BF');
    expect(typeOf("st_geomfromtext('POINT(1 -1)')")).toBe(Type.GEOMETRY);
    expect(hex(ev('point(1, -1)'))).toBe('000000000101000000000000000000F03F000000000000F0BF');
    // SRID 4326 = 0x10E6, little-endian; WKT gives latitude first, storage longitude first.
    expect(hex(ev("st_geomfromtext('POINT(10 20)', 4326)"))).toBe('E6100000010100000000000000000034400000000000002440');
  });

  it('reads back WKT, WKB and SRID', () => {
    expect(ev("st_astext(st_geomfromtext('POLYGON((0 0,10 0,10 10,0 10,0 0))'))")).toBe('POLYGON((0 0,10 0,10 10,0 10,0 0))');
    expect(ev("st_astext(st_geomfromtext('linestring(0 0, 1.5 1,2 2)'))")).toBe('LINESTRING(0 0,1.5 1,2 2)');
    expect(ev("st_astext(st_geomfromtext('MULTIPOINT(0 0,1 1)'))")).toBe('MULTIPOINT((0 0),(1 1))');
    expect(ev("st_astext(st_geomfromtext('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'))")).toBe('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))');
    expect(ev("st_astext(st_geomfromtext('POINT(10 20)', 4326))")).toBe('POINT(10 20)');
    expect(ev("st_srid(st_geomfromtext('POINT(10 20)', 4326))")).toBe(4326n);
    expect(hex(ev("st_asbinary(point(1, -1))"))).toBe('0101000000000000000000F03F000000000000F0BF');
    expect(ev("st_astext(st_geomfromwkb(st_asbinary(point(3, 4))))")).toBe('POINT(3 4)');
    expect(ev('st_x(point(3, 4))')).toBe(3);
    expect(ev('st_y(point(3, 4))')).toBe(4);
  });

  it('refuses bad input with MySQL errors', () => {
    expect(errorOf(() => ev("st_geomfromtext('POINT(1)')")).errno).toBe(3037);
    expect(errorOf(() => ev("st_geomfromtext('POLYGON((0 0,1 0,1 1))')")).errno).toBe(3037);
    expect(errorOf(() => ev("st_geomfromtext('POINT(1 1)', 99999)")).errno).toBe(3548);
    expect(errorOf(() => ev("st_geomfromtext('POINT(91 0)', 4326)")).message).toBe(
      'Latitude 91.000000 is out of range in function st_geomfromtext. It must be within [-90.000000, 90.000000].',
    );
    expect(errorOf(() => ev("st_geomfromtext('POINT(0 -180)', 4326)")).errno).toBe(3616);
    expect(errorOf(() => ev("st_astext('abc')")).errno).toBe(3037);
    expect(errorOf(() => ev("st_pointfromtext('LINESTRING(0 0,1 1)')")).errno).toBe(3037);
    expect(ev("st_astext(st_linefromtext('LINESTRING(0 0,1 1)'))")).toBe('LINESTRING(0 0,1 1)');
    expect(errorOf(() => ev("st_x(st_geomfromtext('LINESTRING(0 0,1 1)'))")).errno).toBe(3516);
  });
});
