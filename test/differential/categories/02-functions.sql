-- Built-in functions: strings, numbers, dates and times, JSON, miscellaneous.
select length('héllo'), char_length('héllo'), octet_length('abc')
select upper('abc'), lower('ABC'), ucase('x'), lcase('Y')
select concat_ws('-', 'a', null, 'c'), concat('a', null)
select substring('abcdef', 2, 3), substr('abcdef', -2), substring('abcdef' from 3), mid('abcdef', 2, 2)
select left('abcdef', 2), right('abcdef', 2)
select trim('  x  '), ltrim('  x'), rtrim('x  '), trim(both 'z' from 'zzxzz'), trim(leading '0' from '007')
select lpad('7', 3, '0'), rpad('ab', 5, '.'), lpad('abc', 2, 'x')
select replace('a-b-c', '-', '+'), reverse('abc'), repeat('ab', 3)
select instr('foobar', 'bar'), locate('b', 'abcb'), locate('b', 'abcb', 3), position('c' in 'abc')
select ascii('A'), ord('a'), char(72, 105)
select space(3), concat('[', space(2), ']')
select strcmp('a', 'b'), strcmp('b', 'a'), strcmp('a', 'a')
select insert('abcdef', 2, 3, 'XY'), elt(2, 'a', 'b', 'c'), field('b', 'a', 'b', 'c')
select find_in_set('b', 'a,b,c'), find_in_set('z', 'a,b,c'), find_in_set('a', '')
select format(1234567.891, 2), format(0.5, 0), format(-1234.5, 1)
select hex('abc'), unhex('616263'), hex(255)
select conv('ff', 16, 10), conv(255, 10, 2), conv('z', 36, 10)
select bin(10), oct(8)
select md5('abc'), sha1('abc'), sha2('abc', 256)
select to_base64('hello'), from_base64('aGVsbG8=')
select quote('it''s')
select substring_index('a.b.c', '.', 2), substring_index('a.b.c', '.', -1)
select soundex('Robert')
select abs(-3), abs(2.5), sign(-2), sign(0), sign(3.1)
select ceil(1.2), ceiling(-1.2), floor(1.8), floor(-1.8)
select round(2.5), round(3.5), round(-2.5), round(1.2345, 2), round(1234, -2)
select round(2.5e0), round(1.005, 2)
select truncate(1.789, 1), truncate(-1.789, 0), truncate(1789, -2)
select mod(10, 3), pow(2, 10), power(2, 0.5), sqrt(16), sqrt(-1)
select exp(0), ln(1), log(100), log10(1000), log2(8), log(2, 8)
select pi(), degrees(pi()), radians(180)
select sin(0), cos(0), tan(0), atan(1), atan2(1, 1), asin(1), acos(1), cot(1)
select crc32('hello')
select greatest(2, 2.5), least('10', '9'), least(10, 9)
select cast('12abc' as signed), cast(-1 as unsigned), cast(1.7 as signed)
select cast('2024-02-30' as date)
select cast(12.345 as decimal(5, 2)), cast('3.14159' as decimal(10, 3))
select cast(65 as char), convert('abc', char(2)), cast(1 as char(5))
select cast('2024-01-02 03:04:05' as datetime), cast('10:11:12' as time)
select convert(123, char), convert('42', signed)
select date('2024-03-15 10:20:30'), time('2024-03-15 10:20:30')
select year('2024-03-15'), month('2024-03-15'), day('2024-03-15'), dayofmonth('2024-03-15')
select hour('10:20:30'), minute('10:20:30'), second('10:20:30'), microsecond('10:20:30.123456')
select dayofweek('2024-03-15'), weekday('2024-03-15'), dayofyear('2024-03-15'), quarter('2024-03-15')
select dayname('2024-03-15'), monthname('2024-03-15')
select week('2024-03-15'), week('2024-03-15', 1), weekofyear('2024-03-15'), yearweek('2024-03-15')
select date_add('2024-01-31', interval 1 month), date_sub('2024-03-01', interval 1 day)
select '2024-01-01' + interval 10 day, '2024-01-01 10:00:00' - interval 90 minute
select adddate('2024-01-01', 5), subdate('2024-01-10', 3)
select datediff('2024-03-01', '2024-02-01'), timestampdiff(month, '2024-01-15', '2024-03-14')
select timestampdiff(second, '2024-01-01 00:00:00', '2024-01-01 01:00:00'), timestampadd(day, 3, '2024-01-01')
select timediff('10:00:00', '08:30:15'), timediff('2024-01-02 00:00:00', '2024-01-01 12:00:00')
select addtime('10:00:00', '01:30:00'), subtime('10:00:00', '00:00:01')
select date_format('2024-03-05 14:07:09', '%Y-%m-%d %H:%i:%s'), date_format('2024-03-05', '%W %M %D %y %j')
select date_format('2024-03-05 14:07:09', '%h:%i %p %a %b %e %c')
select time_format('14:07:09', '%H.%i'), time_to_sec('01:00:01'), sec_to_time(3661)
select str_to_date('05/03/2024', '%d/%m/%Y'), str_to_date('2024-03-05 14:07', '%Y-%m-%d %H:%i')
select str_to_date('nonsense', '%Y')
select makedate(2024, 60), maketime(10, 20, 30)
select last_day('2024-02-10'), last_day('2023-02-10')
select from_days(739000), to_days('2024-01-01')
select unix_timestamp('2024-01-01 00:00:00') - unix_timestamp('2023-12-31 00:00:00')
select extract(year from '2024-03-15'), extract(hour_minute from '2024-03-15 10:20:30')
select convert_tz('2024-01-01 12:00:00', '+00:00', '+05:30')
select period_add(202401, 3), period_diff(202403, 202312)
-- @mysql8 {"types":["json","json"]} MySQL 8 has a JSON type (245); MariaDB's JSON functions return LONGTEXT
select json_object('a', 1, 'b', 'x'), json_array(1, 'two', null, true)
-- @mysql8 {"types":["json","string"]} MySQL 8 has a JSON type (245); MariaDB's JSON functions return LONGTEXT
select json_extract('{"a": {"b": [1, 2, 3]}}', '$.a.b[1]'), json_unquote(json_extract('{"a": "x"}', '$.a'))
select json_length('[1, 2, 3]'), json_length('{"a": 1, "b": 2}'), json_depth('[[1]]')
-- @mysql8 {"types":["json"]} MySQL 8 has a JSON type (245); MariaDB's JSON functions return LONGTEXT
select json_keys('{"a": 1, "b": 2}')
-- @mysql8 {"types":["json","json","json"]} MySQL 8 has a JSON type (245); MariaDB's JSON functions return LONGTEXT
select json_set('{"a": 1}', '$.b', 2), json_insert('{"a": 1}', '$.a', 9, '$.c', 3), json_replace('{"a": 1}', '$.a', 5, '$.z', 1)
-- @mysql8 {"types":["json","json"]} MySQL 8 has a JSON type (245); MariaDB's JSON functions return LONGTEXT
select json_remove('{"a": 1, "b": 2}', '$.a'), json_remove('[1, 2, 3]', '$[0]')
select json_contains('[1, 2, 3]', '2'), json_contains('{"a": 1}', '1', '$.a'), json_contains_path('{"a": 1}', 'one', '$.a', '$.b')
-- @mysql8 {"types":["json","json"]} MySQL 8 has a JSON type (245); MariaDB's JSON functions return LONGTEXT
select json_search('["abc", "def"]', 'one', 'def'), json_search('{"a": "x"}', 'all', 'y')
select json_type('[]'), json_type('1'), json_valid('{'), json_valid('{"a": 1}')
-- @mysql8 {"types":["string","json","json"]} MySQL 8 has a JSON type (245); MariaDB's JSON functions return LONGTEXT
select json_quote('a"b'), json_array_append('[1]', '$', 2), json_merge_preserve('[1]', '[2]')
select regexp_replace('a1b22c', '[0-9]+', '#'), regexp_substr('abc123def', '[0-9]+'), regexp_instr('abc123', '[0-9]')
-- @mysql8 {"rows":[["1","0"]],"columns":["regexp_like('Abc', '^a')","regexp_like('Abc', '^a', 'c')"],"types":["integer","integer"]} MariaDB 10.11 has no REGEXP_LIKE; MySQL 8's matches case-insensitively by default, 'c' makes it case-sensitive
select regexp_like('Abc', '^a'), regexp_like('Abc', '^a', 'c')
select row_count()
select found_rows()
select get_lock('difflock', 0), is_free_lock('difflock'), release_lock('difflock'), is_free_lock('difflock')
select release_lock('never-taken')
select database()
select schema()
select isnull(null), isnull(0)
select interval(5, 1, 3, 7), interval(0, 1, 2)
select bit_count(255), bit_length('ab')
select inet_aton('10.0.0.1'), inet_ntoa(167772161)
select upper(name), length(name) from product where id in (1, 4) order by id
select concat(name, ':', cat) from product where id <= 3 order by id
select id, round(price * 1.2, 1) from product order by id
select id, date_format(created, '%Y/%m') from product where created is not null order by id
select id, datediff('2024-12-31', created) from product where created is not null order by id
-- @mysql8 {"types":["integer","json"]} MySQL 8 has a JSON type (245); MariaDB's JSON functions return LONGTEXT
select id, json_object('id', id, 'name', name) from product where id < 3 order by id
select id, lpad(id, 4, '0') from product where id > 7 order by id
select id, substring_index(email, '@', -1) from customer where email is not null order by id
select id, year(born), month(born) from customer where born is not null order by id
select count(*) from customer where email like '%.org'
