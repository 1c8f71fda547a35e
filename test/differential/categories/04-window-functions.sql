-- Window functions: aggregates over partitions, ranking, offsets, frames, named windows.
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, cat, sum(qty) over (partition by cat) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, sum(qty) over () from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, cat, count(*) over (partition by cat) as n from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, cat, avg(price) over (partition by cat) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, cat, max(price) over (partition by cat), min(price) over (partition by cat) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, row_number() over (order by id desc) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, cat, row_number() over (partition by cat order by price) as rn from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, price, rank() over (order by qty) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, dense_rank() over (order by cat) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
-- @mysql8 {"rows":[["1","0.2222222222222222"],["2","0"],["3","0.8888888888888888"],["4","1"],["5","0.3333333333333333"],["6","0.4444444444444444"],["7","0.1111111111111111"],["8","0.7777777777777778"],["9","0.5555555555555556"],["10","0.6666666666666666"]]} MariaDB prints these doubles with 10 decimals; MySQL 8 prints the shortest exact double
select id, percent_rank() over (order by price) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
-- @mysql8 {"rows":[["1","0.3"],["2","0.1"],["3","0.9"],["4","1"],["5","0.4"],["6","0.5"],["7","0.2"],["8","0.8"],["9","0.6"],["10","0.7"]]} MariaDB prints these doubles with 10 decimals; MySQL 8 prints the shortest exact double
select id, cume_dist() over (order by price) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, ntile(3) over (order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, lag(price) over (order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, lead(price, 2) over (order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
-- @mysql8 {"rows":[["1","none"],["2","apple"],["3","banana"],["4","cherry"],["5","Durian"],["6","eggplant"],["7","fennel"],["8","garlic"],["9","Honey"],["10","icing"]],"columns":["id","lag(name, 1, 'none') over (order by id)"],"types":["integer","string"]} MariaDB's LAG takes no default argument; MySQL 8's does
select id, lag(name, 1, 'none') over (order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, first_value(name) over (partition by cat order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, last_value(name) over (partition by cat order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, last_value(name) over (partition by cat order by id rows between unbounded preceding and unbounded following) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, nth_value(name, 2) over (order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, sum(qty) over (order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, sum(qty) over (order by id rows between 1 preceding and 1 following) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, sum(qty) over (order by id rows 2 preceding) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, avg(qty) over (order by id rows between current row and unbounded following) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, sum(price) over (order by cat range between unbounded preceding and current row) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, count(*) over (order by qty range between 10 preceding and 10 following) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, sum(qty) over w, max(qty) over w from product window w as (partition by cat) order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, rank() over w from product window w as (order by price desc) order by id
select customer_id, amount, sum(amount) over (partition by customer_id order by placed) from orders order by customer_id, placed
select customer_id, amount, rank() over (partition by customer_id order by amount desc) from orders order by customer_id, amount desc
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, amount, amount - lag(amount) over (order by id) as delta from orders order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, amount, round(amount / sum(amount) over () * 100, 2) as pct from orders order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select * from (select id, cat, row_number() over (partition by cat order by price desc) rn from product) t where rn = 1 order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select cat, sum(qty), sum(sum(qty)) over () from product group by cat order by cat
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select cat, count(*), rank() over (order by count(*) desc) from product group by cat order by cat
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, row_number() over () > 0 from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, sum(qty) over (partition by cat order by id) from product where cat is not null order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, count(email) over (partition by country) from customer order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, first_value(score) over (order by score desc) from customer order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select status, amount, dense_rank() over (partition by status order by amount) from orders order by status, amount
select id, lead(id) over (partition by customer_id order by id) from orders order by id
select id, bit_or(qty) over (partition by customer_id) from orders order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, ntile(2) over (partition by cat order by id) from product order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder window functions are only supported for single-shard queries (partitions not on the vindex)
select id, sum(qty) over (order by id rows unbounded preceding) from product order by id
select id, row_number() over (order by nonexistent) from product
select id, rank() from product
