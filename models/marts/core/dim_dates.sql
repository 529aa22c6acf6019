-- The public dimension: a plain copy of int_dates, where its logic,
-- unit tests and column documentation live (marts read intermediate models, not each other).
select * from {{ ref('int_dates') }}
