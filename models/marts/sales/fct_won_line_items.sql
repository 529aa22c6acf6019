-- The public fact: a plain copy of int_won_line_items, where its logic,
-- unit tests and column documentation live (marts read intermediate models, not each other).
select * from {{ ref('int_won_line_items') }}
