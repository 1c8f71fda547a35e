-- ORDER BY (numbers, strings by collation, NULLs, expressions, positions, aliases) and LIMIT/OFFSET.
select id, price from product order by price
select id, price from product order by price desc
select id, price from product order by price desc, id
select id, name from product order by name
select id, name from product order by name desc
select id, cat from product order by cat, id
select id, cat from product order by cat desc, id desc
select id, qty from product order by qty, id
select id, qty from product order by qty desc, id
select id, created from product order by created desc, id
select id, price * qty as v from product order by v desc, id
select id, price from product order by 2 desc, 1
select id from product order by id limit 3
select id from product order by id limit 3 offset 2
select id from product order by id limit 2, 4
select id from product order by id desc limit 1
select id from product order by id limit 0
select id from product order by id limit 100 offset 8
select id from product order by -id limit 3
select id from product order by abs(id - 5), id
select id, name from customer order by score desc, id
select id, name from customer order by country, name
select id, name from customer order by email is null, id
select id, name from customer order by born, id
select id, amount from orders order by amount desc limit 3
select id, amount from orders order by amount limit 3 offset 3
select id, customer_id from orders order by customer_id, id desc
select id, status from orders order by field(status, 'new', 'paid', 'shipped'), id
select id, placed from orders order by placed desc limit 2
select customer_id, sum(amount) s from orders group by customer_id order by s desc
select customer_id, count(*) from orders group by customer_id order by count(*) desc, customer_id limit 3
select cat, max(price) from product group by cat order by max(price) desc
select distinct cat from product order by cat
select distinct customer_id from orders order by customer_id desc
select distinct status from orders
select id, i from nums order by i, id
select id, bi from nums order by bi desc, id
select id, u from nums order by u, id
-- @mysql8 {"rows":[["6",null],["3","-2.25"],["5","-1e-10"],["1","0"],["2","1.5"],["4","1e100"]]} MySQL 8 prints small doubles in exponent form (-1e-10); MariaDB as -0.0000000001
select id, d from nums order by d, id
select id, dc from nums order by dc desc, id
select id, s from nums order by s, id
select id from product order by nonexistent
select id from product order by 5
select id from product limit -1
select id from product limit 'a'
select id from product where id > 3 order by price limit 2
select name from product order by length(name) desc, name limit 3
select id, name from product order by binary name
select * from product order by id limit 1
select id, score from customer order by score is null, score
