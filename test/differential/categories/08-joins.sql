-- Joins: inner, left/right, cross, self, USING/NATURAL, joins with aggregates, across shards.
select c.name, o.id from customer c join orders o on o.customer_id = c.id order by o.id
select c.name, o.amount from customer c inner join orders o on c.id = o.customer_id where o.amount > 10 order by o.amount
select c.id, count(o.id) from customer c left join orders o on o.customer_id = c.id group by c.id order by c.id
select c.id, o.id from customer c left join orders o on o.customer_id = c.id and o.status = 'new' order by c.id, o.id
select o.id, c.name from orders o left join customer c on c.id = o.customer_id order by o.id
select o.id, c.name from customer c right join orders o on c.id = o.customer_id order by o.id
select o.id, p.name from orders o join product p on p.id = o.product_id order by o.id
select o.id, p.name from orders o left join product p on p.id = o.product_id order by o.id
select p.name, sum(o.qty) from product p join orders o on o.product_id = p.id group by p.name order by p.name
select p.cat, sum(o.amount) from orders o join product p on p.id = o.product_id group by p.cat order by p.cat
select c.name, p.name from customer c join orders o on o.customer_id = c.id join product p on p.id = o.product_id where c.id = 1 order by p.name
select count(*) from customer c cross join product p
select count(*) from customer, product
select c.id, p.id from customer c, product p where c.id = p.id order by c.id
select a.id, b.id from product a join product b on a.cat = b.cat and a.id < b.id order by a.id, b.id
select a.name, b.name from customer a join customer b on a.country = b.country and a.id < b.id order by a.id
select * from tx join dml using (id) order by id
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/testdata/unsupported_cases.json natural join is unsupported across shards
select count(*) from product natural join customer
select c.id from customer c left join orders o on o.customer_id = c.id where o.id is null order by c.id
select p.id from product p left join orders o on o.product_id = p.id where o.id is null order by p.id
select c.country, count(distinct o.id) from customer c join orders o on o.customer_id = c.id group by c.country order by c.country
select c.name, max(o.amount) from customer c join orders o on o.customer_id = c.id group by c.name having max(o.amount) > 10 order by c.name
select c.name, o.amount from customer c join orders o on o.customer_id = c.id order by o.amount desc limit 3
select c.id, o.id from customer c join orders o on o.customer_id = c.id where c.id = 2 order by o.id
select c.id, o.id from customer c join orders o on o.customer_id = c.id and c.id = 4 order by o.id
select p.name, o.id from product p join orders o on o.product_id = p.id and p.cat = 'fruit' order by o.id
select c.name, p.name, o.qty from orders o join customer c on c.id = o.customer_id join product p on p.id = o.product_id where o.status = 'paid' order by o.id
select n.id, p.id from nums n join product p on p.qty = n.i order by n.id
select count(*) from orders o join orders o2 on o.customer_id = o2.customer_id
select o.id, o2.id from orders o join orders o2 on o.customer_id = o2.customer_id and o.id < o2.id order by o.id, o2.id
select c.name, (select count(*) from orders o where o.customer_id = c.id) as n from customer c order by c.id
select d.cat, d.n, p.name from (select cat, count(*) n from product group by cat) d join product p on p.cat = d.cat order by p.id
select c.name, t.total from customer c join (select customer_id, sum(amount) total from orders group by customer_id) t on t.customer_id = c.id order by c.id
select p.id, t.id from product p left join tx t on t.id = p.id order by p.id
select p.id, d.a from product p join dml d on d.id = p.id order by p.id
select distinct c.country from customer c join orders o on o.customer_id = c.id order by c.country
select c.id, o.id from customer c join orders o on o.customer_id = c.id where o.amount between 5 and 10 order by o.id
select c.id from customer c where exists (select 1 from orders o where o.customer_id = c.id and o.status = 'shipped') order by c.id
select o.id, p.price * o.qty from orders o join product p on p.id = o.product_id order by o.id
select c.name, group_concat(o.id order by o.id) from customer c join orders o on o.customer_id = c.id group by c.name order by c.name
select count(*) from customer c left join orders o on o.customer_id = c.id
select c.id, o.id from customer c left join orders o on o.customer_id = c.id and o.amount > 50 order by c.id
select x.id from product x join customer y on x.name = y.name
select p.id, p2.id from product p join product p2 on p2.id = p.id + 1 order by p.id
select o.id from orders o join customer c on c.id = o.customer_id join product p on p.id = o.product_id where c.country = 'FR' and p.cat = 'fruit' order by o.id
select c.id, o.id from customer c join orders o on c.id = o.customer_id order by c.id, o.id limit 4
select c.id, o.id from customer c straight_join orders o on c.id = o.customer_id order by o.id
select * from customer c join orders o on o.customer_id = c.id where c.id = 5 order by o.id
select c.id, nosuch.id from customer c join orders o on o.customer_id = c.id
select id from customer join orders on customer_id = customer.id
-- Across keyspaces (on the sharded run: sharded orders with the unsharded keyspace's product; on the unsharded run, one keyspace).
select o.id, p.name from orders o join diffu.product p on p.id = o.product_id order by o.id
select p.cat, count(*) from diffu.product p join orders o on o.product_id = p.id group by p.cat order by p.cat
select c.name from customer c where c.id in (select o.customer_id from orders o join diffu.product p on p.id = o.product_id where p.cat = 'veg') order by c.name
