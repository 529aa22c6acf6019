-- The public mart: a plain copy of the intermediate model below, where its logic,
-- unit tests and column documentation live (other marts read the measures there).
-- The column list is the enforced contract in the YAML, hence the select *.
select * from {{ ref('int_rep_leaderboard_quarterly') }}  -- noqa: AM04
