"""django-simple-history on viewflow's engine rows, for the peer of `bench.lifecycle`.

Only the bench settings install `simple_history` and this app; the historical tables
(`bench_historicalprocess`, `bench_historicaltask`, bench/migrations/) are created when
the throwaway database is migrated. Khéo's own rows are never recorded here.
"""

import simple_history
from viewflow.workflow.models import Process, Task

simple_history.register(Process, app="bench")
simple_history.register(Task, app="bench")
