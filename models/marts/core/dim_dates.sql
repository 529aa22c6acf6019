-- The public dimension: a plain copy of int_dates, where its logic,
-- unit tests and column documentation live (marts read intermediate models, not each other).
-- The column list is the enforced contract in the YAML, hence the select *.
select * from {{ ref('int_dates') }}  -- noqa: AM04
