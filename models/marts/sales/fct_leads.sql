-- The public lead fact: a plain copy of int_leads_qualified, where its logic
-- (the ICP rules of F1) and column documentation live. The column list is the
-- enforced contract in the YAML, hence the select *.
select * from {{ ref('int_leads_qualified') }}  -- noqa: AM04
