"""Decision benchmark: issue one recognition decision covering 2,500 models, its PDF included.

    python -m bench.decisions [--models 2500] [--keep]

The data set is built in bulk (models at stage RECOGNITION with a passing council result and
the head of their audit chain, as registration leaves it; no lifecycles are run), then
`recognition.services.decisions.decision_issue` is timed: the checks, the number from the
sequence, the PDF drawn and hashed, 2,500 annex rows, 2,500 stage moves with their audit
records and the DECISION_ISSUED record, in one transaction.
Target: ≤ 10 s. The database is a throwaway one, as for `bench.lifecycle`.
"""

import argparse
import random
import sys
import time
from decimal import Decimal

from .database import django_setup, throwaway_database

TARGET_SECONDS = 10.0


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.decisions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=2500, help="models in the decision (default 2,500)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args(argv)


def _data_set(count: int):
    """The demo's province, units and people, and `count` models awaiting a decision (bulk inserts)."""
    from recognition.models import (
        Classification,
        EvaluationResult,
        Field,
        ModelStage,
        MovementModel,
        Unit,
    )
    from workflows.demo import MODEL_NAMES, demo_cast_ensure, demo_dossier

    cast = demo_cast_ensure()
    rng = random.Random(2026)
    fields = {field.code: field for field in Field.objects.all()}
    units = list(Unit.objects.filter(path__startswith=cast.province.path, depth=3))
    submitter = cast.submitters[0]
    models = []
    for index in range(count):
        name, field_code = MODEL_NAMES[index % len(MODEL_NAMES)]
        data = demo_dossier(f"{name} ({index + 1})", fields[field_code], rng)
        models.append(
            MovementModel(
                campaign=cast.campaign,
                unit=units[index % len(units)],
                submitted_by=submitter,
                stage=ModelStage.RECOGNITION,
                **data,
            )
        )
    MovementModel.objects.bulk_create(models, batch_size=1000)
    ids = list(MovementModel.objects.filter(campaign=cast.campaign).order_by("pk").values_list("pk", flat=True))
    EvaluationResult.objects.bulk_create(
        [
            EvaluationResult(
                movement_model_id=model_id,
                aggregation="mean",
                score=Decimal("92.00") if index % 5 == 0 else Decimal("80.00"),
                pass_threshold=Decimal("70"),
                outstanding_threshold=Decimal("90"),
                member_count=3,
                classification=Classification.OUTSTANDING if index % 5 == 0 else Classification.RECOGNISED,
            )
            for index, model_id in enumerate(ids)
        ],
        batch_size=1000,
    )
    # A real model reaching this stage has a trail already: its chain's head exists (registration
    # wrote it). Bulk-inserted models have none, so their heads are made here, as empty chains.
    from django.utils import timezone

    from recognition.audit.chain import GENESIS_HASH, chain_key_for
    from recognition.models.audit import AuditChainHead

    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(
                chain_key=chain_key_for(model_id), sequence=0, head_hash=GENESIS_HASH, updated_at=timezone.now()
            )
            for model_id in ids
        ],
        batch_size=1000,
    )
    return cast, ids


def main(argv=None) -> int:
    options = _arguments(argv)
    django_setup()
    import logging

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF's font subsetting logs every glyph
    import tempfile

    from django.conf import settings
    from django.test import override_settings
    from django.utils import timezone

    with tempfile.TemporaryDirectory(prefix="kheo-bench-media-") as media, throwaway_database(keep=options.keep):
        with override_settings(MEDIA_ROOT=media):
            from recognition.documents.decision import decision_pdf
            from recognition.models import MovementModel
            from recognition.services.decision_documents import decision_document
            from recognition.services.decisions import DecisionSetup, decision_issue

            print(f"Building {options.models:,} models awaiting a decision (bulk inserts)...", flush=True)
            cast, ids = _data_set(options.models)
            chair = cast.users["truongban"]
            started = time.perf_counter()
            decision = decision_issue(
                campaign=cast.campaign,
                model_ids=ids,
                signer=chair,
                signed_on=timezone.localdate(),
                setup=DecisionSetup(signer_title="Trưởng Ban", recipients=["Thường trực Thành ủy"]),
            )
            seconds = time.perf_counter() - started
            rows = [
                (model, entry.classification)
                for model, entry in zip(
                    MovementModel.objects.filter(pk__in=ids).select_related("unit", "field").order_by("pk"),
                    decision.entries.order_by("movement_model_id"),
                    strict=True,
                )
            ]
            pdf_started = time.perf_counter()
            pdf_bytes = decision_pdf(decision_document(decision=decision, rows=rows))
            pdf_seconds = time.perf_counter() - pdf_started
            assert decision.entries.count() == options.models
            del settings  # only imported so that override_settings applies to the configured project
    verdict = "OK" if seconds <= TARGET_SECONDS else "OVER TARGET"
    print(f"Decision {decision.number}: {options.models:,} models, PDF {len(pdf_bytes) / 1024:,.0f} KiB")
    print(f"  the PDF alone (drawn again): {pdf_seconds:.2f} s; the rest of the issue ≈ {seconds - pdf_seconds:.2f} s")
    print(
        f"decisions: {seconds:.2f} s for {options.models:,} models "
        f"({seconds / options.models * 1000:.2f} ms per model), target ≤ {TARGET_SECONDS:.0f} s: {verdict}"
    )
    return 0 if seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
