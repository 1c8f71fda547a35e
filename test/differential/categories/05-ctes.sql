-- Common table expressions: plain, several, recursive, used in DML and subqueries.
with t as (select 1 as x) select x from t
with t as (select id, name from product where cat = 'veg') select * from t order by id
with t (a, b) as (select id, price from product where id < 4) select a, b from t order by a
with a as (select 1 as x), b as (select x + 1 as y from a) select * from a, b
with t as (select cat, count(*) as n from product group by cat) select * from t where n > 1 order by cat
with t as (select customer_id, sum(amount) s from orders group by customer_id) select c.name, t.s from customer c join t on t.customer_id = c.id order by c.id
with t as (select id from product) select count(*) from t
with t as (select max(price) m from product) select name from product, t where price = t.m
with recursive r (n) as (select 1 union all select n + 1 from r where n < 5) select n from r
with recursive r (n) as (select 1 union all select n + 1 from r where n < 100) select sum(n), count(*) from r
with recursive fib (n, a, b) as (select 1, 0, 1 union all select n + 1, b, a + b from fib where n < 10) select n, a from fib order by n
with recursive r (d) as (select cast('2024-01-01' as date) union all select d + interval 1 day from r where d < '2024-01-05') select d from r order by d
with recursive r (n, s) as (select 1, cast('a' as char(20)) union all select n + 1, concat(s, 'a') from r where n < 4) select * from r order by n
with recursive r (id, path) as (select 1, cast('1' as char(50)) union all select r.id + 1, concat(r.path, '>', r.id + 1) from r where r.id < 3) select path from r order by id
with recursive r as (select 1 as n union all select n + 1 from r where n < 3) select * from r
with recursive r (n) as (select 1 union select n from r) select * from r
with t as (select 1 as x) select * from t as t1 join t as t2 on t1.x = t2.x
with t as (select id, qty from product) select id from t where qty > (select avg(qty) from t) order by id
with t as (select 1 x union all select 2) select x from t order by x desc
with t as (select id, cat from product) select cat, count(*) from t group by cat order by cat
select * from (with t as (select 5 as v) select v from t) d
select (with t as (select 7 as v) select v from t)
with t as (select id from product where cat = 'fruit') select name from product where id in (select id from t) order by name
with t as (select * from orders where status = 'paid') select customer_id, count(*) from t group by customer_id order by customer_id
with t as (select 1 x) select * from t, t as u
-- @mysql8 {"error":1066} MySQL 8 rejects a repeated WITH name while parsing (PT_with_list::push_back raises ER_NONUNIQ_TABLE, "Not unique table/alias"); MariaDB has its own 4004
with t as (select 1 x), t as (select 2 x) select * from t
with t as (select id from product) select * from t where id = 3
with recursive cnt (n) as (select 1 union all select n + 1 from cnt where n < 10) select n from cnt where n % 3 = 0 order by n
with recursive r (n) as (select 1 union all select n * 2 from r where n < 1000) select max(n) from r
with t as (select cat, max(price) mp from product group by cat) select p.name from product p join t on p.cat = t.cat and p.price = t.mp order by p.name
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder the CTE is a derived table whose window spans shards (no PARTITION BY on the vindex): window functions are only supported for single-shard queries
with t as (select id, row_number() over (order by price desc) rn from product) select id from t where rn <= 3 order by id
with t as (select customer_id, amount from orders) select customer_id, max(amount) from t group by customer_id having max(amount) > 6 order by customer_id
with a as (select id from customer where country = 'FR'), b as (select customer_id from orders) select count(*) from a join b on a.id = b.customer_id
with t as (select 'x' as s union all select 'y') select group_concat(s order by s) from t
with recursive r (n) as (select 1 union all select n + 1 from r where n < 3) select n, (select count(*) from product where id <= r.n) from r order by n
