-- Window functions: aggregates over partitions, ranking, offsets, frames, named windows.
select id, cat, sum(qty) over (partition by cat) from product order by id
select id, sum(qty) over () from product order by id
select id, cat, count(*) over (partition by cat) as n from product order by id
select id, cat, avg(price) over (partition by cat) from product order by id
select id, cat, max(price) over (partition by cat), min(price) over (partition by cat) from product order by id
select id, row_number() over (order by id desc) from product order by id
select id, cat, row_number() over (partition by cat order by price) as rn from product order by id
select id, price, rank() over (order by qty) from product order by id
select id, dense_rank() over (order by cat) from product order by id
select id, percent_rank() over (order by price) from product order by id
select id, cume_dist() over (order by price) from product order by id
select id, ntile(3) over (order by id) from product order by id
select id, lag(price) over (order by id) from product order by id
select id, lead(price, 2) over (order by id) from product order by id
select id, lag(name, 1, 'none') over (order by id) from product order by id
select id, first_value(name) over (partition by cat order by id) from product order by id
select id, last_value(name) over (partition by cat order by id) from product order by id
select id, last_value(name) over (partition by cat order by id rows between unbounded preceding and unbounded following) from product order by id
select id, nth_value(name, 2) over (order by id) from product order by id
select id, sum(qty) over (order by id) from product order by id
select id, sum(qty) over (order by id rows between 1 preceding and 1 following) from product order by id
select id, sum(qty) over (order by id rows 2 preceding) from product order by id
select id, avg(qty) over (order by id rows between current row and unbounded following) from product order by id
select id, sum(price) over (order by cat range between unbounded preceding and current row) from product order by id
select id, count(*) over (order by qty range between 10 preceding and 10 following) from product order by id
select id, sum(qty) over w, max(qty) over w from product window w as (partition by cat) order by id
select id, rank() over w from product window w as (order by price desc) order by id
select customer_id, amount, sum(amount) over (partition by customer_id order by placed) from orders order by customer_id, placed
select customer_id, amount, rank() over (partition by customer_id order by amount desc) from orders order by customer_id, amount desc
select id, amount, amount - lag(amount) over (order by id) as delta from orders order by id
select id, amount, round(amount / sum(amount) over () * 100, 2) as pct from orders order by id
select * from (select id, cat, row_number() over (partition by cat order by price desc) rn from product) t where rn = 1 order by id
select cat, sum(qty), sum(sum(qty)) over () from product group by cat order by cat
select cat, count(*), rank() over (order by count(*) desc) from product group by cat order by cat
select id, row_number() over () > 0 from product order by id
select id, sum(qty) over (partition by cat order by id) from product where cat is not null order by id
select id, count(email) over (partition by country) from customer order by id
select id, first_value(score) over (order by score desc) from customer order by id
select status, amount, dense_rank() over (partition by status order by amount) from orders order by status, amount
select id, lead(id) over (partition by customer_id order by id) from orders order by id
select id, bit_or(qty) over (partition by customer_id) from orders order by id
select id, ntile(2) over (partition by cat order by id) from product order by id
select id, sum(qty) over (order by id rows unbounded preceding) from product order by id
select id, row_number() over (order by nonexistent) from product
select id, rank() from product
