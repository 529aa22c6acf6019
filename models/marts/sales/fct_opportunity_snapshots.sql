-- The public fact: a plain copy of int_opportunity_snapshots, where its logic,
-- unit tests and column documentation live (marts read intermediate models, not each other).
select * from {{ ref('int_opportunity_snapshots') }}
