-- Aggregates: COUNT/SUM/AVG/MIN/MAX and friends, GROUP BY, HAVING, WITH ROLLUP, GROUP_CONCAT.
select count(*) from product
select count(cat), count(qty), count(*) from product
select count(distinct cat) from product
-- @vitess sharded VT03001 go/vt/vtgate/planbuilder aggregate functions take a single argument across shards
select count(distinct cat, qty > 10) from product
select sum(qty), avg(qty) from product
select sum(price), avg(price) from product
select min(price), max(price) from product
select min(qty), max(qty) from product
select min(name), max(name) from product
select min(created), max(created) from product
select sum(distinct qty) from orders
select avg(distinct qty) from orders
select count(*), sum(amount), min(amount), max(amount) from orders
select max(amount) from orders where customer_id = 2
select cat, count(*) from product group by cat
select cat, sum(qty), avg(price) from product group by cat
select cat, min(price), max(price) from product group by cat
select cat, count(*) from product group by cat order by cat
select cat, count(*) as n from product group by cat order by n desc, cat
select cat, count(*) from product group by cat having count(*) > 2
select cat, sum(qty) as s from product group by cat having s > 100
select cat from product group by cat having max(price) > 10
select customer_id, count(*), sum(amount) from orders group by customer_id order by customer_id
select customer_id, max(amount) from orders group by customer_id having max(amount) > 10 order by customer_id
select status, count(*) from orders group by status order by status
select status, count(distinct customer_id) from orders group by status order by status
select 1 + count(*) from product
select count(*) * 2, sum(qty) / count(*) from product
select avg(price) + 1 from product
select max(price) - min(price) from product
select round(avg(amount), 2) from orders
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/operator_transformers.go transformAggregator refuses WITH ROLLUP: "GROUP BY WITH ROLLUP not supported for sharded queries"
select cat, count(*) from product group by cat with rollup
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/operator_transformers.go transformAggregator refuses WITH ROLLUP: "GROUP BY WITH ROLLUP not supported for sharded queries"
select cat, sum(qty) from product where cat is not null group by cat with rollup
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/operator_transformers.go transformAggregator refuses WITH ROLLUP: "GROUP BY WITH ROLLUP not supported for sharded queries"
select status, customer_id, count(*) from orders group by status, customer_id with rollup
select group_concat(name) from product where cat = 'fruit'
select group_concat(name order by name) from product where cat = 'fruit'
select group_concat(name order by name desc separator '|') from product where cat = 'fruit'
select group_concat(distinct cat order by cat) from product
select cat, group_concat(id order by id) from product group by cat order by cat
select group_concat(name order by price desc) from product where cat = 'veg'
-- @mysql8 {"rows":[["2.622219109428356","2.622219109428356","2.622219109428356","2.7502066038093145"]]} MariaDB prints these doubles with 4 decimals; MySQL 8 prints the shortest exact double
-- @vitess sharded VT12001 go/vt/vtgate/engine/opcode/constants.go has no opcode for this aggregate: transformAggregator refuses it "in scatter query: aggregation function '…'"
select std(qty), stddev(qty), stddev_pop(qty), stddev_samp(qty) from orders
-- @mysql8 {"rows":[["6.87603305785124","6.87603305785124","7.5636363636363635"]]} MariaDB prints these doubles with 4 decimals; MySQL 8 prints the shortest exact double
-- @vitess sharded VT12001 go/vt/vtgate/engine/opcode/constants.go has no opcode for this aggregate: transformAggregator refuses it "in scatter query: aggregation function '…'"
select variance(qty), var_pop(qty), var_samp(qty) from orders
select bit_and(qty), bit_or(qty), bit_xor(qty) from orders
-- @mysql8 {"rows":[["[5, 6, 7]"]],"types":["json"]} MySQL 8 returns JSON, printed with a space after commas; MariaDB LONGTEXT without
-- @vitess sharded VT12001 go/vt/vtgate/engine/opcode/constants.go has no opcode for this aggregate: transformAggregator refuses it "in scatter query: aggregation function '…'"
select json_arrayagg(id) from product where cat = 'veg'
-- @mysql8 {"rows":[["{\"fennel\": 15, \"garlic\": 200, \"eggplant\": 30}"]],"types":["json"]} MySQL 8 returns a JSON object with keys sorted by length then bytes; MariaDB keeps insertion order
-- @vitess sharded VT12001 go/vt/vtgate/engine/opcode/constants.go has no opcode for this aggregate: transformAggregator refuses it "in scatter query: aggregation function '…'"
select json_objectagg(name, qty) from product where cat = 'veg'
select count(*) from product where 1 = 0
select sum(qty), max(qty), avg(qty) from product where 1 = 0
select cat, count(*) from product where 1 = 0 group by cat
select count(*) from orders o where o.amount > 5
select count(id), count(email) from customer
select sum(score), avg(score), max(score) from customer
select country, count(*) from customer group by country order by country
select country, avg(score) from customer group by country order by country
select name, count(*) from product
select cat, name from product group by cat
select year(placed), month(placed), count(*) from orders group by year(placed), month(placed) order by 1, 2
select count(*) c from orders group by customer_id order by c desc, customer_id limit 2
select sum(i), sum(bi), sum(u) from nums
select max(bi), min(bi), max(u), min(i) from nums
select sum(dc), avg(dc), max(dc), min(dc) from nums
select sum(d), max(d), min(d) from nums
select count(distinct b) from nums
select customer_id, sum(qty * amount) from orders group by customer_id order by customer_id
