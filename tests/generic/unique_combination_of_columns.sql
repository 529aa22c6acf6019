{#
    Fails for every combination of the given columns that occurs more than
    once: the grain test of models whose key spans several columns (dbt_utils
    cannot be installed offline, so the project keeps its own).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
