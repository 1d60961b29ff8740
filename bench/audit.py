"""Audit trail benchmark: the cost of the audit write, verification speed, timeline queries.

    python -m bench.audit [--lifecycles 60] [--records 1000000] [--timeline 300] [--keep]

1. A human step (claim, complete) with the audit write and without it, interleaved in
   the same run on the same data (`recognition.services.audit.audit_suspended`, which
   exists for this benchmark only). Target: the audit adds ≤ 15 %.
2. `audit_verify` over a bulk-generated valid chain of --records records. Target ≤ 30 s.
3. A model's timeline page with --timeline records: SQL queries (constant) and time.

The database is a throwaway one, as for `bench.lifecycle` (BENCH_DATABASE_URL or
DATABASE_URL for PostgreSQL, else var/bench.sqlite3).
"""

import argparse
import statistics
import sys
import time

from .database import django_setup, throwaway_database

OVERHEAD_TARGET = 0.15
VERIFY_TARGET_SECONDS = 30.0
CRITERIA = ("tt-sang-tao", "tt-chap-hanh-phap-luat", "tt-huy-dong-luc-luong", "tt-hai-hoa-loi-ich", "tt-ben-vung")


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lifecycles", type=int, default=60, help="lifecycles per variant (default 60)")
    parser.add_argument("--records", type=int, default=1_000_000, help="records to verify (default 1,000,000)")
    parser.add_argument("--per-model", type=int, default=50, help="records per generated chain (default 50)")
    parser.add_argument("--timeline", type=int, default=300, help="records on the timeline page (default 300)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--only", choices=["overhead", "timeline", "verify"], help="run one of the three measurements only"
    )
    return parser.parse_args(argv)


# 1. The audit write's share of a human step


def _lifecycle(cast, samples: dict[str, list[float]], step_counter) -> None:
    from django.utils import timezone

    from recognition.forms import DossierForm
    from workflows.models import RecognitionTask
    from workflows.services import registration_submit, task_claim, task_complete

    users = cast.users
    submitter = cast.users["donvi"]
    form = DossierForm(data=_dossier(cast), user=submitter)
    assert form.is_valid(), form.errors
    # Every lifecycle registers the same name for the same unit: confirmed, as the duplicate warning asks.
    model = registration_submit(
        submitted_by=submitter, campaign=cast.campaign, data=form.dossier_data(), confirm_duplicate=True
    )
    today = timezone.localdate().isoformat()

    def open_task(node, user):
        tasks = RecognitionTask.objects.filter(
            process__movement_model=model, finished__isnull=True, flow_task_type="HUMAN"
        )
        return next(t for t in tasks if t.flow_task.name == node and t.owner_id in (None, user.pk))

    def step(node, user, data):
        task = open_task(node, user)
        if task.owner_id is None:
            step_counter("claim", lambda: task_claim(task_id=task.pk, user=user), samples)
        step_counter(node, lambda: task_complete(task_id=task.pk, user=user, data=data), samples)

    step("check_dossier", users["thuongtruc"], {"decision": "accept"})
    step("survey", users["khaosat"], {"visited_on": today, "findings": "Tốt", "recommendation": "recommend"})
    for member in ("hoidong1", "hoidong2", "hoidong3"):
        step("evaluate", users[member], {f"criterion_{code}": 17 for code in CRITERIA})
    step("recognise", users["truongban"], {"decision_number": "9-QĐ/BCĐ", "signed_on": today})
    step(
        "replicate",
        users["thuongtruc"],
        {
            "adopting_units": [str(cast.submitters[1].unit_id)],
            "started_on": today,
            "status": "planned",
            "close_tracking": "on",
        },
    )


def _dossier(cast) -> dict:
    from recognition.models import Field

    return {
        "campaign": str(cast.campaign.pk),
        "name": "Hũ gạo tình thương",
        "field": str(Field.objects.first().pk),
        "kind": "model",
        "collective_kind": "collective",
        "contact_name": "Nguyễn Thị Lan",
        "contact_phone": "0292 3821 000",
        "situation": "Nhiều hộ khó khăn.",
        "objectives": "Hỗ trợ 50 hộ.",
        "content_and_method": "Góp gạo hằng tuần.",
        "scope": "Phường.",
        "forces": "Hội LHPN.",
        "starts_on": "15/01/2026",
        "outputs": "Sổ theo dõi.",
        "sustainability": "Đóng góp tự nguyện.",
    }


def _timed(name, call, samples):
    started = time.perf_counter()
    call()
    samples.setdefault(name, []).append((time.perf_counter() - started) * 1000)


def bench_overhead(cast, lifecycles: int) -> bool:
    from recognition.services.audit import audit_suspended

    with_audit: dict[str, list[float]] = {}
    without: dict[str, list[float]] = {}
    for _ in range(3):  # warm-up: imports, caches, query plans
        _lifecycle(cast, {}, _timed)
        with audit_suspended():
            _lifecycle(cast, {}, _timed)
    for index in range(lifecycles):
        # A-B, B-A, ...: neither variant always runs on the warmer cache or the bigger table.
        if index % 2 == 0:
            _lifecycle(cast, with_audit, _timed)
        with audit_suspended():
            _lifecycle(cast, without, _timed)
        if index % 2 == 1:
            _lifecycle(cast, with_audit, _timed)

    print(f"1. Audit write per human step ({lifecycles} lifecycles each way, interleaved; median times):")
    print(f"   {'step':<14}{'n':>5} {'with audit':>11} {'without':>9} {'added':>8}")
    total_on = total_off = 0.0
    for name in ("claim", "check_dossier", "survey", "evaluate", "recognise", "replicate"):
        # Medians: a shared machine's hiccups land on one variant or the other and would swamp a mean.
        on, off = statistics.median(with_audit[name]), statistics.median(without[name])
        total_on, total_off = total_on + on * len(with_audit[name]), total_off + off * len(without[name])
        print(f"   {name:<14}{len(with_audit[name]):>5} {on:>9.2f}ms {off:>7.2f}ms {100 * (on / off - 1):>7.1f}%")
    overall = total_on / total_off - 1
    verdict = "met" if overall <= OVERHEAD_TARGET else "NOT met"
    print(f"   all human steps: the audit adds {100 * overall:.1f}% (target ≤ {100 * OVERHEAD_TARGET:.0f}%: {verdict})")
    return overall <= OVERHEAD_TARGET


# 2. Verifying a million records


def _generate_chains(cast, total: int, per_model: int) -> float:
    """Bulk-insert a valid chain of `total` records over total/per_model models. Returns seconds."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from recognition.audit import chain
    from recognition.models import AuditEvent, MovementModel
    from recognition.models.audit import AuditChainHead

    started = time.perf_counter()
    submitter = cast.users["donvi"]
    template = MovementModel.objects.filter(submitted_by=submitter).first()
    models = total // per_model
    base = {f.attname: getattr(template, f.attname) for f in MovementModel._meta.concrete_fields if not f.primary_key}
    created = MovementModel.objects.bulk_create([MovementModel(**base) for _ in range(models)], batch_size=2000)
    ids = (
        [m.pk for m in created]
        if created[0].pk
        else list(MovementModel.objects.order_by("-pk").values_list("pk", flat=True)[:models])
    )
    columns = [*chain.CHAINED_FIELDS, "previous_hash", "record_hash"]
    table = AuditEvent._meta.db_table
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    t0 = timezone.now() - timedelta(days=30)
    import json

    heads = []
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for index, model_id in enumerate(ids):
            key = chain.chain_key_for(model_id)
            previous = chain.GENESIS_HASH
            for sequence in range(1, per_model + 1):
                at = t0 + timedelta(seconds=index * per_model + sequence)
                payload = {
                    "node": "check_dossier",
                    "values": {"decision": "accept", "reason": ""},
                    "changes": {"stage": {"before": "registered", "after": "survey"}},
                }
                values = {
                    "chain_key": key,
                    "sequence": sequence,
                    "occurred_at": chain.canonical_time(at),
                    "actor_id": submitter.pk,
                    "actor_label": submitter.username,
                    "on_behalf_of_id": None,
                    "actor_unit_id": submitter.unit_id,
                    "actor_roles": "unit_submitter",
                    "movement_model_id": model_id,
                    "process_id": None,
                    "task_id": sequence,
                    "action": "task_completed",
                    "reason": "",
                    "payload": payload,
                    "client_ip": "10.0.0.1",
                    "user_agent": "bench",
                }
                record_hash = chain.record_hash(previous, values)
                row = {**values, "occurred_at": at, "payload": json.dumps(payload)}
                batch.append((*(row[name] for name in chain.CHAINED_FIELDS), previous, record_hash))
                previous = record_hash
            heads.append(AuditChainHead(chain_key=key, sequence=per_model, head_hash=previous, updated_at=at))
            if len(batch) >= 20_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        AuditChainHead.objects.bulk_create(heads, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def bench_verify(cast, total: int, per_model: int) -> bool:
    from recognition.audit.verification import database_verify
    from recognition.audit.witness import WitnessCheckpoint
    from recognition.models import AuditEvent
    from recognition.services.audit_tree import audit_tree_append, checkpoint_json

    print(f"\n2. audit_verify over {total:,} generated records ({per_model} per model):")
    _lifecycle(cast, {}, _timed)  # one real model to copy (and a real trail among the generated ones)
    seconds = _generate_chains(cast, total, per_model)
    count = AuditEvent.objects.count()
    print(f"   generated in {seconds:.0f} s; the table now holds {count:,} records")
    started = time.perf_counter()
    checkpoint = audit_tree_append()
    print(
        f"   sequencer: {checkpoint.tree_size:,} leaves appended and a checkpoint signed "
        f"in {time.perf_counter() - started:.0f} s (once; then each minute only the new records)"
    )
    witness = WitnessCheckpoint("bench", checkpoint_json(checkpoint))
    started = time.perf_counter()
    # As `audit_verify --witness FILE`: chains, heads, seals, every leaf against its record, the tree's
    # root against the signed checkpoint held outside the database.
    report = database_verify(witnesses=[witness])
    elapsed = time.perf_counter() - started
    for problem in report.problems[:5]:
        print("   problem:", problem.describe())
    verdict = "met" if elapsed <= VERIFY_TARGET_SECONDS and report.is_intact else "NOT met"
    print(
        f"   verified {report.records_checked:,} records in {report.chains_checked:,} chains in {elapsed:.1f} s "
        f"({report.records_checked / elapsed:,.0f} records/s), intact: {report.is_intact} "
        f"(target ≤ {VERIFY_TARGET_SECONDS:.0f} s: {verdict})"
    )
    return elapsed <= VERIFY_TARGET_SECONDS and report.is_intact


# 3. The timeline page


def bench_timeline(cast, records: int) -> bool:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.second_factor import totp_device_confirmed
    from recognition.models import MovementModel
    from recognition.services.audit import audit_record

    auditor = cast.users["kiemtra"]
    source = MovementModel.objects.filter(submitted_by=cast.users["donvi"]).first()
    print("\n3. Timeline page (auditor):")
    counts = []
    for size in (records // 10, records):
        base = {f.attname: getattr(source, f.attname) for f in MovementModel._meta.concrete_fields if not f.primary_key}
        model = MovementModel.objects.create(**base)
        with transaction.atomic():
            for index in range(size):
                audit_record(
                    action="dossier_edited",
                    actor=cast.users["thuongtruc"],
                    movement_model=model,
                    reason="Bổ sung" if index % 3 == 0 else "",
                    payload={
                        "changes": {"budget_vnd": {"before": index, "after": index + 1}},
                        "owner": cast.users["hoidong1"].pk,
                        "unit": cast.province.pk,
                        "values": {"criterion_tt-sang-tao": 15, "decision": "accept"},
                        "attachments": [{"id": index, "name": "anh.jpg", "size": 1000, "sha256": "ab" * 32}],
                    },
                )
        client = Client()
        client.force_login(auditor)
        # An auditor signs in with a second factor (the demo enrols one): the session as after that page.
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_confirmed(auditor).persistent_id
        session.save()
        client.get(f"/audit/models/{model.pk}/")  # warm caches
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(f"/audit/models/{model.pk}/")
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        counts.append(len(queries))
        print(f"   {size:>4} records: {len(queries)} SQL queries, {elapsed:.0f} ms, {len(response.content) // 1024} KB")
    constant = counts[0] == counts[1]
    print(f"   constant number of queries: {'yes' if constant else 'NO'}")
    return constant


def main(argv=None) -> int:
    args = _arguments(argv)
    django_setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    with throwaway_database(keep=args.keep) as connection:
        from workflows.demo import demo_cast_ensure

        cast = demo_cast_ensure()
        print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}\n")
        results = []
        if args.only in (None, "overhead"):
            results.append(bench_overhead(cast, args.lifecycles))
        if args.only in (None, "timeline"):
            results.append(bench_timeline(cast, args.timeline))
        if args.only in (None, "verify"):
            results.append(bench_verify(cast, args.records, args.per_model))
        print("\nVERDICT: " + ("all audit targets met." if all(results) else "some audit targets NOT met (above)."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
