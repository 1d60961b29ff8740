"""List benchmark: the task lists of a national instance, at a million task rows.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kheo_bench make bench-lists
    python -m bench.lists [--scale 1.0] [--requests 30] [--keep]

PostgreSQL only, and not part of `make bench` (building the data set takes minutes):
`make bench-lists` runs it. In a throwaway database `test_<NAME>` it builds, with
INSERT ... SELECT generate_series (no ORM row by row), a data set shaped like a national
instance (issue 9): 34 provinces of 100 communes with 3 registering units each, the
people of each province's steps, 116,040 models and processes and about 995,000 task
rows; the demo province's standing body member `thuongtruc` has an inbox of 1,740
claimed tasks, a queue of 2,000 and an archive of 113,040 finished ones. `--scale`
multiplies every count (0.02 builds a small set in seconds).

Then, logged in as that member (the test Client's force_login), for the web inbox, queue
and archive and the API inbox and queue: `--requests` timed requests each (after one
warm-up), p50 and p95 server time, SQL statements on the first page and on page 2
(CaptureQueriesContext), response bytes, and the EXPLAIN (ANALYZE, BUFFERS) of the page's
heaviest statement (the SELECT that runs longest in the database). Targets: p95 ≤ 100 ms,
the same number of statements on every page, HTML ≤ 60 KB for 25 rows; a missed target
is printed, the exit code stays 0.

The engine's table shapes are known in ONE place, `engine_rows_insert`: viewflow's
tables with the multi-table children of today, or the single-table
`workflows_recognitionprocess` / `workflows_recognitiontask` of issue 9 (told apart by
the columns the database has).
"""

import argparse
import math
import sys
import time
from dataclasses import dataclass

from .database import django_setup, throwaway_database

TARGET_P95_MS = 100
TARGET_HTML_BYTES = 60 * 1024
PROVINCES = 34
COMMUNES_PER_PROVINCE = 100
UNITS_PER_COMMUNE = 3
FLOW_CLASS = "workflows/flows.RecognitionFlow"
MEMBER = "thuongtruc"


@dataclass(frozen=True)
class Cohort:
    """`count` processes of one province, all stopped at the same point of the lifecycle."""

    home: bool  # the member's province; otherwise spread over the 33 others
    stage: str  # the model's stage
    rows: int  # task rows so far (positions 0 .. rows - 1 of LIFECYCLE)
    open_status: str  # status of the open task(s): NEW, ASSIGNED, or "" when closed
    count: int


# The lifecycle as RecognitionFlow writes it (checked against `seed_demo`'s rows): position,
# node, flow_task_type, the role whose person owns it, its permission, SLA working days,
# council seat (evaluate only).
LIFECYCLE = [
    (0, "start", "START", None, None, None, None),
    (1, "check_dossier", "HUMAN", "standing", "recognition.check_dossier", 5, None),
    (2, "dossier_accepted", "EXCLUSIVE_GATEWAY", None, None, None, None),
    (3, "survey", "HUMAN", "survey", "recognition.conduct_survey", 12, None),
    (4, "evaluation_split", "PARALLEL_GATEWAY", None, None, None, None),
    (5, "evaluate", "HUMAN", "council1", "recognition.evaluate_model", 7, 1),
    (6, "evaluate", "HUMAN", "council2", "recognition.evaluate_model", 7, 2),
    (7, "evaluate", "HUMAN", "council3", "recognition.evaluate_model", 7, 3),
    (8, "evaluation_join", "JOIN", None, None, None, None),
    (9, "tally", "FUNCTION", None, None, None, None),
    (10, "evaluation_passed", "EXCLUSIVE_GATEWAY", None, None, None, None),
    (11, "recognise", "HUMAN", "chair", "recognition.sign_decision", 5, None),
    (12, "replicate", "HUMAN", "standing", "recognition.track_replication", 60, None),
    (13, "replication_closed", "EXCLUSIVE_GATEWAY", None, None, None, None),
    (14, "end", "END", None, None, None, None),
]
EVALUATION_SPLIT = 4

# The member's province: queue 1,500 + 500 = 2,000; inbox 1,200 + 540 = 1,740; archive (check_dossier
# done for every process past it, replicate too for the closed ones) 30,000 + 40,000 + 20,000 + 1,040
# + 2 × 11,000 = 113,040. The other 33 provinces bring the totals to 116,040 processes, ~995,000 tasks.
COHORTS = [
    Cohort(True, "registered", 2, "NEW", 1_500),
    Cohort(True, "registered", 2, "ASSIGNED", 1_200),
    Cohort(True, "survey", 4, "NEW", 30_000),
    Cohort(True, "evaluation", 8, "ASSIGNED", 40_000),
    Cohort(True, "recognition", 12, "NEW", 20_000),
    Cohort(True, "replication", 13, "NEW", 500),
    Cohort(True, "replication", 13, "ASSIGNED", 540),
    Cohort(True, "closed", 15, "", 11_000),
    Cohort(False, "evaluation", 8, "ASSIGNED", 4_000),
    Cohort(False, "recognition", 12, "NEW", 3_300),
    Cohort(False, "closed", 15, "", 4_000),
]

PAGES = [
    ("web inbox", "/recognition/inbox/"),
    ("web queue", "/recognition/queue/"),
    ("web archive", "/recognition/archive/"),
    ("API inbox", "/api/v1/tasks/inbox/"),
    ("API queue", "/api/v1/tasks/queue/"),
]
SECOND_PAGE = "?page=2"


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.lists", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count of the data set (default 1)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args(argv)


def _p(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- The people and places: ORM bulk_create, a few thousand rows -------------------------------------


def _people_and_places(cast) -> list[dict]:
    """Every province (the demo's first) with its units and the people of its steps, as ids and paths."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from recognition.models import Campaign, Level, Unit, UnitKind, User
    from recognition.roles import Role

    levels = {level.code: level for level in Level.objects.all()}
    home = cast.province
    provinces = [home]
    for index in range(2, PROVINCES + 1):
        provinces.append(
            Unit(
                name=f"Tỉnh ủy thử tải {index:02d}",
                level=levels["province"],
                kind=UnitKind.PARTY_COMMITTEE,
                path=Unit._get_path(None, 1, index),
                depth=1,
                numchild=0,
            )
        )
    Unit.objects.bulk_create(provinces[1:])
    communes, units = [], []
    for province in provinces:
        first = Unit.objects.filter(depth=2, path__startswith=province.path).count() + 1
        for step in range(first, COMMUNES_PER_PROVINCE + 1):
            path = Unit._get_path(province.path, 2, step)
            communes.append(
                Unit(
                    name=f"Đảng ủy xã thử tải {step:03d}",
                    level=levels["commune"],
                    kind=UnitKind.PARTY_COMMITTEE,
                    path=path,
                    depth=2,
                    numchild=UNITS_PER_COMMUNE,
                )
            )
            units += [
                Unit(
                    name=f"Hội Nông dân xã thử tải {step:03d}-{unit}",
                    level=levels["commune"],
                    kind=UnitKind.MASS_ORGANISATION,
                    path=Unit._get_path(path, 3, unit),
                    depth=3,
                    numchild=0,
                )
                for unit in range(1, UNITS_PER_COMMUNE + 1)
            ]
    Unit.objects.bulk_create(communes + units, batch_size=5000)
    Unit.objects.filter(depth=1).update(numchild=COMMUNES_PER_PROVINCE)

    year = timezone.localdate().year
    groups = {group.name: group for group in Group.objects.all()}
    roles = {
        "standing": Role.STANDING_BODY,
        "survey": Role.SURVEY_TEAM,
        "council1": Role.COUNCIL_MEMBER,
        "council2": Role.COUNCIL_MEMBER,
        "council3": Role.COUNCIL_MEMBER,
        "chair": Role.CHAIR,
        "submitter": Role.UNIT_SUBMITTER,
    }
    demo = {
        "standing": "thuongtruc",
        "survey": "khaosat",
        "council1": "hoidong1",
        "council2": "hoidong2",
        "council3": "hoidong3",
        "chair": "truongban",
        "submitter": "donvi",
    }
    places = []
    for index, province in enumerate(provinces):
        if province.pk == home.pk:
            people = {role: cast.users[username] for role, username in demo.items()}
            campaign = cast.campaign
        else:
            people = {
                role: User(
                    username=f"p{index:02d}-{role}", password="!", unit=province, last_name="Cán bộ", first_name=role
                )
                for role in roles
            }
            User.objects.bulk_create(people.values())
            User.groups.through.objects.bulk_create(
                User.groups.through(user_id=user.pk, group_id=groups[roles[role]].pk) for role, user in people.items()
            )
            campaign = Campaign.objects.create(
                name=f"Đợt thử tải {index:02d}",
                year=year,
                organising_unit=province,
                registration_opens_on=cast.campaign.registration_opens_on,
                registration_closes_on=cast.campaign.registration_closes_on,
            )
        registering = list(
            Unit.objects.filter(depth=3, path__startswith=province.path).order_by("path").values_list("pk", "path")
        )
        places.append(
            {
                "province": province.pk,
                "home": province.pk == home.pk,
                "campaign": campaign.pk,
                "units": [pk for pk, _ in registering],
                "paths": [path for _, path in registering],
                **{role: user.pk for role, user in people.items()},
            }
        )
    return places


# --- The models, processes and tasks: INSERT ... SELECT generate_series --------------------------------


def _staging_create(cursor, places: list[dict], *, scale: float) -> tuple[int, int]:
    """Temporary tables of the provinces, the lifecycle and the processes, and a view of the task rows.

    Returns the numbers of processes and task rows. Ids continue after the rows already there.
    """
    cursor.execute(
        """CREATE TEMP TABLE bench_place (number int, province bigint, home bool, campaign bigint,
           units bigint[], paths text[], standing bigint, survey bigint, council1 bigint, council2 bigint,
           council3 bigint, chair bigint, submitter bigint)"""
    )
    others = [place for place in places if not place["home"]]
    rows = [next(place for place in places if place["home"]), *others]
    for number, place in enumerate(rows):
        cursor.execute(
            "INSERT INTO bench_place VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                number,
                place["province"],
                place["home"],
                place["campaign"],
                place["units"],
                place["paths"],
                *(place[role] for role in ("standing", "survey", "council1", "council2", "council3", "chair")),
                place["submitter"],
            ],
        )
    cursor.execute(
        """CREATE TEMP TABLE bench_lifecycle (position int, node text, type text, role text, permission text,
           sla int, seat int)"""
    )
    for step in LIFECYCLE:
        cursor.execute("INSERT INTO bench_lifecycle VALUES (%s, %s, %s, %s, %s, %s, %s)", list(step))

    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM recognition_movementmodel")
    model_base = cursor.fetchone()[0] + 1
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM viewflow_process")
    process_base = cursor.fetchone()[0] + 1000
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM viewflow_task")
    task_base = cursor.fetchone()[0] + 1000
    if _engine_schema(cursor) == "flat":
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM workflows_recognitionprocess")
        process_base = max(process_base, cursor.fetchone()[0] + 1000)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM workflows_recognitiontask")
        task_base = max(task_base, cursor.fetchone()[0] + 1000)
    cursor.execute(
        """CREATE TEMP TABLE bench_process (n int, id bigint, model bigint, place int, unit bigint, path text,
           stage text, rows int, open_status text, created timestamptz)"""
    )
    first = 0
    for cohort in COHORTS:
        count = max(1, round(cohort.count * scale))
        # n → a place (home, or one of the others in turn), a registering unit, and a creation time:
        # closed processes over the last ten months, open ones over the last two (their tasks are
        # due around now, as in real use). A lifecycle spans 15 days, so no row is in the future.
        cursor.execute(
            """INSERT INTO bench_process
               SELECT n, %(process_base)s + n, %(model_base)s + n, pl.number,
                      pl.units[1 + (n * 7) %% cardinality(pl.units)], pl.paths[1 + (n * 7) %% cardinality(pl.paths)],
                      %(stage)s, %(rows)s, %(open_status)s,
                      now() - interval '16 days' - ((n * 7919) %% %(spread)s) * interval '1 minute'
               FROM generate_series(%(first)s, %(last)s) n
               JOIN bench_place pl ON pl.number = CASE WHEN %(home)s THEN 0 ELSE 1 + n %% %(others)s END""",
            {
                "process_base": process_base,
                "model_base": model_base,
                "stage": cohort.stage,
                "rows": cohort.rows,
                "open_status": cohort.open_status,
                "first": first,
                "last": first + count - 1,
                "home": cohort.home,
                "others": len(others),
                "spread": 432_000 if cohort.open_status == "" else 86_400,
            },
        )
        first += count
    # One row per process and lifecycle position reached. The open task(s): the last one, or the
    # three evaluations; everything before is DONE. Owners: the province's person of the step.
    cursor.execute(
        f"""CREATE TEMP VIEW bench_task AS
        SELECT t.*, CASE WHEN t.status = 'DONE' THEN t.created + interval '6 hours' END AS finished,
               CASE WHEN t.type = 'HUMAN' AND t.status = 'DONE' THEN t.created + interval '1 hour' END AS started,
               CASE WHEN t.type = 'HUMAN' AND t.status <> 'NEW' THEN
                    CASE t.role WHEN 'standing' THEN pl.standing WHEN 'survey' THEN pl.survey
                         WHEN 'council1' THEN pl.council1 WHEN 'council2' THEN pl.council2
                         WHEN 'council3' THEN pl.council3 WHEN 'chair' THEN pl.chair END END AS owner,
               CASE WHEN t.type = 'HUMAN' THEN pl.province END AS acting_unit,
               CASE WHEN t.type = 'HUMAN' THEN (t.created + t.sla * interval '34 hours')::date END AS due_on,
               CASE WHEN t.seat IS NULL THEN 'start'
                    ELSE 'start/' || ({task_base} + t.n * 16 + {EVALUATION_SPLIT}) || '_' || t.seat END AS token,
               CASE WHEN t.seat IS NULL THEN '{{}}'::jsonb
                    ELSE jsonb_build_object('member', CASE t.seat WHEN 1 THEN pl.council1 WHEN 2 THEN pl.council2
                                                                  ELSE pl.council3 END) END AS data
        FROM (
            SELECT p.n, p.place, p.id AS process, p.path, {task_base} + p.n * 16 + l.position AS id,
                   '{FLOW_CLASS}.' || l.node AS flow_task, l.type, l.role, l.permission, l.sla, l.seat,
                   p.created + l.position * interval '1 day' AS created,
                   CASE WHEN p.open_status <> ''
                         AND (l.position = p.rows - 1 OR (p.rows = 8 AND l.node = 'evaluate'))
                        THEN p.open_status ELSE 'DONE' END AS status
            FROM bench_process p JOIN bench_lifecycle l ON l.position < p.rows
        ) t JOIN bench_place pl ON pl.number = t.place"""
    )
    cursor.execute("SELECT count(*), sum(rows) FROM bench_process")
    return cursor.fetchone()


def _models_insert(cursor, *, field_id: int) -> None:
    cursor.execute(
        """INSERT INTO recognition_movementmodel (id, kind, collective_kind, contact_name, contact_phone, name,
               situation, objectives, content_and_method, scope, forces, starts_on, milestones, outputs,
               sustainability, stage, outcome_reason, created_at, updated_at, campaign_id, field_id,
               submitted_by_id, unit_id)
           SELECT p.model, 'model', 'collective', 'Nguyễn Thị Lan', '0292 3821 000',
                  'Mô hình thử tải số ' || p.n, 'Nhiều hộ khó khăn.', 'Hỗ trợ 50 hộ.',
                  'Mỗi hội viên góp một nắm gạo mỗi tuần.', 'Toàn xã.', 'Hội Nông dân chủ trì.',
                  p.created::date, '', 'Sổ theo dõi, ảnh.', 'Duy trì bằng đóng góp tự nguyện.', p.stage, '',
                  p.created, p.created, pl.campaign, %s, pl.submitter, p.unit
           FROM bench_process p JOIN bench_place pl ON pl.number = p.place""",
        [field_id],
    )


def _engine_schema(cursor) -> str:
    cursor.execute(
        """SELECT count(*) FROM information_schema.columns
           WHERE table_name = 'workflows_recognitiontask' AND column_name = 'task_ptr_id'"""
    )
    return "multi-table" if cursor.fetchone()[0] else "flat"


# ======================================================================================================
# THE ENGINE'S TABLE SHAPES: the only function that knows them. Issue 9's single-table schema
# ("flat") is what main is moving to; "multi-table" is viewflow's tables + Khéo's child tables of
# today. When the schema changes, this is the one place to adjust (column names of the new tables).
# ======================================================================================================
def engine_rows_insert(cursor) -> str:
    """Copy the staged processes (bench_process) and task rows (view bench_task) into the engine's tables."""
    schema = _engine_schema(cursor)
    process_status = "CASE WHEN p.open_status = '' THEN 'DONE' ELSE 'NEW' END"
    process_finished = "CASE WHEN p.open_status = '' THEN p.created + interval '15 days' END"
    if schema == "flat":
        cursor.execute(
            f"""INSERT INTO workflows_recognitionprocess (id, flow_class, status, created, finished, data,
                   movement_model_id, organising_unit_id, registering_unit_id, scope_path)
                SELECT p.id, '{FLOW_CLASS}', {process_status}, p.created, {process_finished}, '{{}}',
                       p.model, pl.province, p.unit, p.path
                FROM bench_process p JOIN bench_place pl ON pl.number = p.place"""
        )
        cursor.execute(
            """INSERT INTO workflows_recognitiontask (id, flow_task, flow_task_type, status, created, started,
                   finished, token, owner_id, owner_permission, data, process_id, unit_id, due_on,
                   sla_working_days, scope_path)
                SELECT id, flow_task, type, status, created, started, finished, token, owner, permission, data,
                       process, acting_unit, due_on, sla, path
                FROM bench_task"""
        )
        tables = ("workflows_recognitionprocess", "workflows_recognitiontask")
    else:
        cursor.execute(
            f"""INSERT INTO viewflow_process (id, flow_class, status, created, finished, data)
                SELECT p.id, '{FLOW_CLASS}', {process_status}, p.created, {process_finished}, '{{}}'
                FROM bench_process p"""
        )
        cursor.execute(
            """INSERT INTO workflows_recognitionprocess (process_ptr_id, movement_model_id, organising_unit_id,
                   registering_unit_id)
               SELECT p.id, p.model, pl.province, p.unit
               FROM bench_process p JOIN bench_place pl ON pl.number = p.place"""
        )
        cursor.execute(
            """INSERT INTO viewflow_task (id, flow_task, flow_task_type, status, created, started, finished, token,
                   owner_id, owner_permission, data, process_id)
               SELECT id, flow_task, type, status, created, started, finished, token, owner, permission, data, process
               FROM bench_task"""
        )
        cursor.execute(
            """INSERT INTO workflows_recognitiontask (task_ptr_id, unit_id, due_on, sla_working_days)
               SELECT id, acting_unit, due_on, sla FROM bench_task"""
        )
        tables = ("viewflow_process", "viewflow_task")
    for table in tables:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    return schema


def data_set_build(*, scale: float) -> str:
    """Build the national data set; returns a one-line description."""
    from django.db import connection, transaction

    from recognition.models import Field
    from workflows.demo import demo_cast_ensure

    started = time.perf_counter()
    cast = demo_cast_ensure()
    with transaction.atomic():
        places = _people_and_places(cast)
        with connection.cursor() as cursor:
            processes, tasks = _staging_create(cursor, places, scale=scale)
            _models_insert(cursor, field_id=Field.objects.get(code="van-hoa-xa-hoi").pk)
            schema = engine_rows_insert(cursor)
            cursor.execute("DROP VIEW bench_task; DROP TABLE bench_process, bench_lifecycle, bench_place")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by then: statistics, visibility map
    return (
        f"{processes:,} processes and {tasks:,} task rows ({schema} engine tables) across {len(places)} provinces, "
        f"built in {time.perf_counter() - started:.0f} s"
    )


# --- Measuring --------------------------------------------------------------------------------------


def _member_lists(member) -> str:
    from workflows.selectors import task_archive_for, task_inbox_for, task_queue_for

    inbox, queue = task_inbox_for(user=member).count(), task_queue_for(user=member).count()
    return f"{member.username}: inbox {inbox:,}, queue {queue:,}, archive {task_archive_for(user=member).count():,}"


def _captured(client, url: str, *, missing_ok: bool = False):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # API throttle counters
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code == 404 and missing_ok:
        return None, None  # no second page in a small data set
    if response.status_code != 200:
        raise AssertionError(f"{url}: HTTP {response.status_code}")
    return response, captured.captured_queries


def _second_page(url: str, response) -> str:
    """The web lists' `?page=2`; the API's keyset pages are followed by their `next` link."""
    if url.startswith("/api/"):
        return response.json()["next"] or url + SECOND_PAGE
    return url + SECOND_PAGE


def _page_measure(client, url: str, *, requests: int) -> dict:
    from django.core.cache import cache

    _captured(client, url)  # warm-up: templates, plans, caches
    milliseconds = []
    for _ in range(requests):
        cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        milliseconds.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise AssertionError(f"{url}: HTTP {response.status_code}")
    response, queries = _captured(client, url)
    # Page 2 is opened once first, as page 1 was: a list pins a new address in the session
    # (three statements) only on its first visit, and that is not the page's own cost.
    second_url = _second_page(url, response)
    client.get(second_url)
    _, second_queries = _captured(client, second_url, missing_ok=True)
    heaviest = _heaviest([query["sql"] for query in queries])
    return {
        "p50": _p(milliseconds, 0.5),
        "p95": _p(milliseconds, 0.95),
        "statements": len(queries),
        "second_page": None if second_queries is None else len(second_queries),
        "bytes": len(response.content),
        "heaviest": heaviest,
    }


def _explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def _heaviest(statements: list[str]) -> tuple[float, str, list[str]]:
    """The page's SELECT that takes the database longest (EXPLAIN ANALYZE's execution time): ms, SQL, plan."""
    plans = []
    for sql in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            plan = _explain(sql)
            milliseconds = next(float(line.split()[2]) for line in plan if line.startswith("Execution Time:"))
            plans.append((milliseconds, sql, plan))
    return max(plans, key=lambda entry: entry[0])


def _report(results: dict[str, dict]) -> None:
    header = f"{'page':<12}{'p50':>9}{'p95':>9}{'SQL p1':>8}{'SQL p2':>8}{'bytes':>10}"
    print(header)
    print("-" * len(header))
    for name, result in results.items():
        print(
            f"{name:<12}{result['p50']:>7.1f}ms{result['p95']:>7.1f}ms{result['statements']:>8}"
            f"{'-' if result['second_page'] is None else result['second_page']:>8}{result['bytes']:>10,}"
        )
    print("-" * len(header))
    print("Server time = the test Client's request through every middleware; SQL p1/p2 = statements on page 1 and 2.")
    for name, result in results.items():
        milliseconds, sql, plan = result["heaviest"]
        print(f"\n{name}: heaviest statement ({milliseconds:.1f} ms of execution in the database):")
        print(f"  {sql[:2000]}")
        for line in plan:
            print(f"  | {line}")
    print("\nTargets (issue 9, at 1,000,000 tasks):")
    verdicts = []
    for name, result in results.items():
        verdicts.append(
            (f"{name}: p95 ≤ {TARGET_P95_MS} ms", f"{result['p95']:.1f} ms", result["p95"] <= TARGET_P95_MS)
        )
        verdicts.append(
            (
                f"{name}: same statements on every page",
                f"{result['statements']} / {result['second_page']}",
                result["statements"] == result["second_page"] or result["second_page"] is None,
            )
        )
    for name, result in results.items():
        if name.startswith("web"):
            verdicts.append(
                (
                    f"{name}: HTML ≤ {TARGET_HTML_BYTES // 1024} KB for 25 rows",
                    f"{result['bytes'] / 1024:.1f} KB",
                    result["bytes"] <= TARGET_HTML_BYTES,
                )
            )
    for target, measured, met in verdicts:
        print(f"  {'met    ' if met else 'NOT MET'}  {target}: {measured}")
    missed = sum(not met for _, _, met in verdicts)
    print(f"VERDICT: {len(verdicts) - missed} of {len(verdicts)} targets met.")


def main(argv=None) -> int:
    args = _arguments(argv)
    django_setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench.lists is PostgreSQL only: run it with BENCH_DATABASE_URL=postgres://... (make bench-lists).")
        return 0
    with throwaway_database(keep=args.keep):
        from django.test import Client

        from recognition.models import User

        print(f"Building the data set (scale {args.scale})...", flush=True)
        print(data_set_build(scale=args.scale))
        member = User.objects.get(username=MEMBER)
        print(_member_lists(member), flush=True)
        client = Client()
        client.force_login(member)
        results = {}
        for name, url in PAGES:
            results[name] = _page_measure(client, url, requests=args.requests)
            print(f"  measured {name} ({args.requests} requests)", flush=True)
        print()
        _report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
