-- The public mart: a plain copy of the intermediate model below, where its logic,
-- unit tests and column documentation live (the quarterly integrity model adds up its counts).
-- The column list is the enforced contract in the YAML, hence the select *.
select * from {{ ref('int_rep_backdated_logging_monthly') }}  -- noqa: AM04
