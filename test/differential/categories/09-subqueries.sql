-- Subqueries: scalar, IN/NOT IN, EXISTS, correlated, derived tables, ANY/ALL, in select lists.
select (select max(price) from product)
select id from product where price = (select max(price) from product)
select id from product where price > (select avg(price) from product) order by id
select id from product where id in (select product_id from orders) order by id
select id from product where id not in (select product_id from orders) order by id
select id from product where id not in (select qty from product) order by id
select id from customer where id in (select customer_id from orders where status = 'new') order by id
select id from customer where id not in (select customer_id from orders) order by id
select id from customer c where exists (select 1 from orders o where o.customer_id = c.id) order by id
select id from customer c where not exists (select 1 from orders o where o.customer_id = c.id) order by id
select id, (select count(*) from orders o where o.customer_id = c.id) from customer c order by id
select id, (select max(amount) from orders o where o.customer_id = c.id) m from customer c order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/operators/subquery.go correlated subquery is only supported for EXISTS (the inner rows are not on the outer row's shard)
select id from product p where price > (select avg(price) from product p2 where p2.cat = p.cat) order by id
select name from product where qty > all (select qty from orders) order by name
select name from product where qty < any (select qty from orders) order by name
select name from product where qty = some (select qty from orders) order by name
select * from (select id, name from product where cat = 'veg') v order by id
select count(*) from (select distinct cat from product) d
select cat, n from (select cat, count(*) n from product group by cat) d where n >= 2 order by cat
select max(s) from (select customer_id, sum(amount) s from orders group by customer_id) t
select avg(n) from (select count(*) n from orders group by customer_id) t
select id from (select id from product order by id desc limit 3) t order by id
select t.x from (select 1 as x union all select 2) t order by x
select (select name from customer where id = 1), (select name from product where id = 1)
select (select id from product where id > 100)
select (select id from product)
select id from product where (cat, qty) = ('fruit', 10)
select id from product where (cat, qty) in (select 'veg', 15 union select 'fruit', 50) order by id
select exists (select 1 from product where price > 50), exists (select 1 from product where price > 500)
select id from customer where country = (select country from customer where id = 2) order by id
select id from orders where customer_id in (select id from customer where country = 'FR') order by id
select id from orders where product_id in (select id from product where cat = 'fruit') and amount > 2 order by id
select id from orders where amount > (select avg(amount) from orders) order by id
select id, amount - (select min(amount) from orders) from orders order by id
select c.id from customer c where c.id in (select o.customer_id from orders o where o.amount > (select avg(amount) from orders)) order by c.id
select id from product where id in (1, (select 2), 3) order by id
select id from product where id = (select 3) order by id
select name from product where price in (select max(price) from product group by cat) order by name
select id from product where cat in (select cat from product group by cat having count(*) > 3) order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/operators/subquery.go correlated subquery is only supported for EXISTS (the inner rows are not on the outer row's shard)
select p.id from product p where 2 <= (select count(*) from orders o where o.product_id = p.id) order by p.id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/operators/subquery.go correlated subquery is only supported for EXISTS (the inner rows are not on the outer row's shard)
select id from customer c where score > (select avg(score) from customer where country = c.country) order by id
select sum(x) from (select qty * 2 as x from product) d
select * from (select * from (select id from tx) a) b order by id
select id from product where exists (select * from customer) order by id limit 2
select id from product where id in (select id from customer where id > 4) or id = 10 order by id
select (select count(*) from orders) + (select count(*) from customer)
select id from product where id in (select max(id) from customer)
