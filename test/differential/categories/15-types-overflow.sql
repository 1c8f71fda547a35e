-- Types and their edges: 64-bit integers, unsigned, DECIMAL precision, doubles, overflow (1690), truncation, dates.
select -9223372036854775808
select 9223372036854775807
select 9223372036854775808
select 18446744073709551615
select 18446744073709551616
select -9223372036854775809
select 9223372036854775807 + 1
select -9223372036854775808 - 1
select 9223372036854775807 * 2
select 18446744073709551615 + 1
select cast(18446744073709551615 as unsigned) + 1
select cast(0 as unsigned) - 1
select 4294967296 * 4294967296
select -(-9223372036854775808)
select abs(-9223372036854775808)
select 9223372036854775807 div 1
select 12345678901234567890123456789 * 1
select 0.1 + 0.2 = 0.3, 0.1e0 + 0.2e0 = 0.3e0
select 1.000000000000000000000000000001
select 123456789012345678901234567890.123456789
select 1e308 * 10
select cast(1e308 as decimal(65, 0)) is not null
select 2 / 3 * 3
select 1 / 7
select 10.0 / 3
select cast(1 / 3 as decimal(10, 8))
select round(2.675, 2), round(-2.675, 2)
select 3 * 1.1
select 0.0, -0.0, 0e0, -0e0
-- @mysql8 {"rows":[["15000000000","1.5e-10","123456789012345678"]]} MySQL 8 prints small doubles in exponent form; MariaDB as 0.00000000015
select 1.5e10, 1.5e-10, 123456789012345678
select cast('9223372036854775808' as signed)
select cast('-1' as unsigned)
select cast(-1 as unsigned) + 0
select ~0, ~0 >> 1
select 127 + 0, cast(255 as unsigned)
select i + 1 from nums where id = 4
select bi + 1 from nums where id = 2
select bi - 1 from nums where id = 3
select u + 1 from nums where id = 2
select u - 2 from nums where id = 3
select i * i from nums where id = 4
select bi * 2 from nums where id = 2
select -bi from nums where id = 3
select dc * 2, dc + 0.0000001 from nums where id = 4
select d * 10 from nums where id = 4
select sum(bi) from nums where id in (2, 4)
-- @mysql8 {"rows":[["1","0","0","0","0","0.000000","0","0"],["2","1","9223372036854775807","4294967295","1.5","123.456789","abc","1"],["3","-1","-9223372036854775808","1","-2.25","-0.000001","ABC","0"],["4","2147483647","42","7","1e100","99999999999999.999999","  x  ","1"],["5","-2147483648","-42","3","-1e-10","1.500000","10",null],["6",null,null,null,null,null,null,null]]} MySQL 8 prints small doubles in exponent form (-1e-10); MariaDB as -0.0000000001
select id, i, bi, u, d, dc, s, b from nums order by id
select id, cast(s as signed) from nums where id in (1, 2, 5) order by id
select id, s + 0 from nums where id in (1, 5) order by id
select id from nums where s = 0 order by id
select id from nums where s = 'abc' order by id
select id from nums where bi = 9223372036854775807
select id from nums where u = 4294967295
select id from nums where dc = 1.5
select id from nums where d = 1.5
select id, b from nums where b order by id
select id, s from nums where s like '%x%'
insert into nums (id, i) values (100, 2147483648)
insert into nums (id, u) values (101, -1)
insert into nums (id, bi) values (102, 9223372036854775808)
insert into nums (id, dc) values (103, 123456789012345.1234567)
insert into nums (id, dc) values (104, 1.1234567)
select dc from nums where id = 104
insert into nums (id, s) values (105, repeat('x', 31))
insert into nums (id, i) values (106, '12abc')
insert into nums (id, b) values (107, 128)
insert into nums (id, i) values (108, 1.5)
select i from nums where id = 108
-- @mysql8 {"error":1265} d is DOUBLE: MySQL 8's Field_double::store reports a string that is no number as WARN_DATA_TRUNCATED (1265, an error in strict mode); MariaDB says 1366
insert into nums (id, d) values (109, 'nan')
update nums set i = i + 1 where id = 4
update nums set u = u - 1 where id = 1
select cast('2024-02-29' as date), cast('2023-02-29' as date)
select date('2024-02-30'), date('2024-02-29')
select cast('25:00:00' as time), cast('838:59:59' as time), cast('839:00:00' as time)
select timestamp('2024-01-01 10:00:00.123456')
-- @mysql8 {"rows":[["2024-01-01 10:00:01","2024-01-01 10:00:00.5"]]} MySQL 8 rounds extra fractional seconds (unless TIME_TRUNCATE_FRACTIONAL); MariaDB truncates
select cast('2024-01-01 10:00:00.5' as datetime), cast('2024-01-01 10:00:00.5' as datetime(1))
select '2024-01-01' < '2024-01-02', date('2024-01-01') = '2024-01-01'
select cast('abc' as decimal(5,2)), cast('1e3' as decimal(10,2))
select cast(123.456 as decimal(4,1)), cast(99999.9 as decimal(4,1))
select cast(null as signed), cast('' as signed)
select concat(1.10, ''), concat(1e1, ''), concat(cast(1 as decimal(5,3)), '')
select 1 + '1e2', '0x10' + 0, '  7  ' + 0
select length(-1.50), length(100 * 1.0)
select char_length(12345678901234567890)
select least(9223372036854775807, 18446744073709551615), greatest(-1, cast(1 as unsigned))
