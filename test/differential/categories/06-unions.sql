-- UNION, UNION ALL, UNION DISTINCT, with ORDER BY/LIMIT, parenthesized branches, across tables.
select 1 union select 1
select 1 union all select 1
select 1 union distinct select 1
select 1 as a union select 2 union select 3
select 1 as a union all select 2 order by a desc
select cat from product union select country from customer
select cat from product union all select country from customer
select cat from product union distinct select cat from product
select name from product where id < 3 union all select name from customer where id < 3
select name from product where id < 3 union select name from customer where id < 3 order by name
select id from product union select id from customer order by id desc limit 3
select id from product union all select id from customer order by id limit 2, 3
(select id from product order by id limit 2) union all (select id from customer order by id desc limit 2)
(select id from product order by price desc limit 2) union (select id from product order by price limit 2)
(select name from product order by name limit 1) union all (select name from customer order by name limit 1) order by name
select 1, 'a' union select 2, 'b' union all select 1, 'a'
select 1 union select 'a'
select 1 union select 2.5
select null union select 1
select 1, 2 union select 3
select id from product where id = 1 union select id from product where id = 1
select cat, count(*) from product group by cat union all select 'total', count(*) from product
select * from (select id from product union all select id from customer) u order by id
select count(*) from (select cat from product union select country from customer) u
select id from product where id in (select id from customer union select 9)  order by id
select status from orders union select status from orders order by status
select customer_id from orders where amount > 10 union select id from customer where country = 'US' order by 1
select 'x' as v union all select 'y' union distinct select 'x'
select 1 union all select 1 union select 2
select 1 union select 1 union all select 1
select id, name from customer where id = 1 union all select id, name from product where id = 1
select amount from orders where id = 3 union select price from product where id = 4
select max(price) from product union all select min(price) from product
(select id from product order by id limit 1) union select 2
select id from product union select id from customer limit 4
