-- Expressions and operators: arithmetic, comparison, logic, literals, NULL handling, CASE.
select 1 + 2
select 7 - 10
select 6 * 7
select 7 / 2
select 1 / 3
select 7 div 2
select -7 div 2
select 7 % 3
select -7 % 3
select 7 mod -3
select 2.5 * 4
select 0.1 + 0.2
select 1e0 + 1
select 3 / 0
select 3 % 0
select 10 div 0
select 1 = 1, 1 = 2, 1 <> 2, 1 != 1
select 1 < 2, 2 <= 2, 3 > 4, 4 >= 4
select null = null, null <> 1, null is null, 1 is not null
select 1 <=> 1, null <=> null, 1 <=> null
select 'a' = 'A', 'abc' < 'abd', 'b' > 'a'
select 1 and 1, 1 and 0, 0 and null, 1 and null
select 1 or 0, 0 or 0, 0 or null, 1 or null
select not 1, not 0, not null
select 1 xor 1, 1 xor 0, 0 xor 0, 1 xor null
select true, false, true + true
select !0, !1
select 1 between 0 and 2, 5 between 1 and 4, 2 not between 1 and 3
select 3 in (1, 2, 3), 4 in (1, 2, 3), null in (1, 2), 1 not in (2, 3)
select 'b' in ('a', 'b'), 2 in (1, null)
select 'abc' like 'a%', 'abc' like '_b_', 'abc' like 'b%', 'a%c' like 'a\%c'
select 'abc' not like '%z%'
select 'ABC' like 'abc'
select 'abc' regexp '^a', 'abc' rlike 'z', 'abc' not regexp 'b'
select case 1 when 1 then 'one' when 2 then 'two' else 'many' end
select case when 5 > 3 then 'yes' else 'no' end
select case 3 when 1 then 'one' end
select if(1 > 0, 'pos', 'neg'), if(null, 1, 2)
select ifnull(null, 'x'), ifnull(1, 'x')
select nullif(1, 1), nullif(1, 2)
select coalesce(null, null, 3, 4), coalesce(null)
select greatest(1, 5, 3), least(1, 5, 3), greatest(1, 7, 3) is null
select greatest('apple', 'pear'), least(2.5, 10)
select - - 5, -(-5)
select 1 << 4, 256 >> 2, 5 & 3, 5 | 3, 5 ^ 3, ~0
-- @mysql8 {"columns":["a"],"rows":[["ab"]]} MySQL names a concatenation of adjacent literals after its first literal; MariaDB after the whole string
select 'a' 'b'
select 'a' 'b' 'c' as joined
select concat('a', 1, 2.5)
select '10' + 5, '2.5' * 2, 'abc' + 1
select 1 + null, null * 0
select 100000000000 * 100000000000
select 2 * 2.50
select 1.0 / 3
select 10 / 4 * 4
select (1 + 2) * 3, 1 + 2 * 3
select 1 = '1', 0 = 'a'
-- @mysql8 {"rows":[["0","0"]]} MySQL 8's utf8mb4_0900_ai_ci is NO PAD: trailing spaces count; MariaDB's collations PAD SPACE
select 'abc' = 'abc ', 'abc' = ' abc'
select x'41', 0x42, b'1000001'
select X'616263'
select 0x41 + 0
select _utf8mb4'hello'
select n'national'
select 'it''s', 'say "hi"', "double"
select 'back\\slash', 'tab\there'
select 12345678901234567890
select 1.5e3, 2E-2, .5
select 00012, 1.
select id, price * qty as total from product where id <= 3 order by id
select id, price > 5 from product order by id
select id, name from product where cat = 'fruit' and price < 10 order by id
select id from product where cat is null or qty is null
select id from product where not (cat = 'fruit') order by id
select id from product where price between 1 and 5 order by id
select id from product where name in ('apple', 'jam', 'nothing') order by id
select id from product where name like '%an%' order by id
select id from customer where email is null
select id, coalesce(country, 'none') from customer order by id
select id, case when score >= 5 then 'high' when score is null then 'unknown' else 'low' end from customer order by id
select id, if(qty > 20, 'many', 'few') as stock from product order by id
select id, qty div 7, qty % 7 from product where qty is not null order by id
select id from product where price <=> null
select id from nums where i xor b order by id
select id from customer where name regexp '^[a-c]' order by id
select sum(price) * 2 from product where cat = 'veg'
