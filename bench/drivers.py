"""One lifecycle of each flow, every step timed and its SQL counted.

Imported only after `django.setup()` (it imports models). The domain driver calls the
services the web pages and the API call; the bare driver does the same steps on
`bench.bare_flow.BareFlow`; the peer driver does them on the bare flow with the stack a
team would otherwise assemble (`bench.peer`). Looking a task up (the inbox click) is not
part of a step.
"""

import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from recognition.forms import DossierForm
from recognition.models import Field, ModelStage, Unit
from workflows.demo import DemoCast
from workflows.flows import RecognitionFlow
from workflows.models import RecognitionTask
from workflows.services import registration_submit, task_claim, task_complete

from .bare_flow import BareFlow, bare_claim, bare_complete, bare_start
from .peer import peer_claim, peer_complete, peer_stack, peer_start, without_history

# Where a statement's first table belongs, to show what the extra SQL is for.
SQL_AREAS = [
    ("recognition_audit", "audit trail"),
    ("notifications_", "notifications"),
    ("workflows_deadline", "deadlines"),
    ("workflows_calendar", "deadlines"),
    ("viewflow_", "viewflow tables"),
    ("workflows_", "viewflow tables"),
    ("recognition_user", "users, permissions"),
    ("auth_", "users, permissions"),
    ("django_content_type", "users, permissions"),
    ("recognition_", "domain rows"),
    ("bench_historical", "history (peer)"),
]
_FIRST_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', re.IGNORECASE)


def sql_area(sql: str) -> str:
    match = _FIRST_TABLE.search(sql)
    if match is None:
        return "transaction control"  # BEGIN, SAVEPOINT, RELEASE, COMMIT
    table = match.group(1)
    return next((area for prefix, area in SQL_AREAS if table.startswith(prefix)), "other")


CRITERIA = ("tt-sang-tao", "tt-chap-hanh-phap-luat", "tt-huy-dong-luc-luong", "tt-hai-hoa-loi-ich", "tt-ben-vung")


@dataclass
class Samples:
    """Milliseconds (wall and this process's CPU) and SQL query counts per step name, and statements per area."""

    milliseconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    cpu_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    queries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    areas: Counter = field(default_factory=Counter)

    def measure(self, step: str, call, **kwargs):
        """Run `call(**kwargs)`, recording its wall time and its SQL queries under `step`."""
        # The connection keeps at most 9,000 queries; start each step from an empty log.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            cpu_started, started = time.process_time(), time.perf_counter()
            result = call(**kwargs)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.milliseconds[step].append(elapsed * 1000)
        self.cpu_seconds[step] += cpu
        self.queries[step].append(len(captured.captured_queries))
        self.areas.update(sql_area(query["sql"]) for query in captured.captured_queries)
        return result


def _open_task_ids(task_model, *, process_id: int, node, owner=None) -> list[int]:
    tasks = task_model.objects.filter(process_id=process_id, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    if owner is not None:
        tasks = tasks.filter(owner=owner)
    return list(tasks.order_by("pk").values_list("pk", flat=True))


def _one(ids: list[int]) -> int:
    if len(ids) != 1:
        raise AssertionError(f"expected one open task, found {len(ids)}")
    return ids[0]


class DomainDriver:
    """RecognitionFlow through `workflows.services`, as the web pages and the API drive it."""

    def __init__(self, *, cast: DemoCast, seed: int):
        self.cast = cast
        self.rng = random.Random(seed)
        self.field = Field.objects.get(code="van-hoa-xa-hoi")
        self.adopters = list(
            Unit.objects.filter(path__startswith=cast.province.path, depth=3).values_list("pk", flat=True)
        )
        self.council = [cast.users[name] for name in ("hoidong1", "hoidong2", "hoidong3")]
        self.count = 0

    def _dossier(self) -> dict:
        self.count += 1
        return {
            "campaign": str(self.cast.campaign.pk),
            "name": f"Mô hình thử tải số {self.count}",
            "field": str(self.field.pk),
            "kind": "model",
            "collective_kind": "collective",
            "contact_name": "Nguyễn Thị Lan",
            "contact_phone": "0292 3821 000",
            "situation": "Nhiều hộ khó khăn.",
            "objectives": "Hỗ trợ 50 hộ.",
            "content_and_method": "Mỗi hội viên góp một nắm gạo mỗi tuần.",
            "scope": "Phường Ninh Kiều.",
            "forces": "Hội LHPN chủ trì.",
            "starts_on": f"15/01/{timezone.localdate().year}",
            "outputs": "Sổ theo dõi, ảnh.",
            "sustainability": "Duy trì bằng đóng góp tự nguyện.",
        }

    def _submit(self, *, submitter):
        form = DossierForm(data=self._dossier(), user=submitter)
        if not form.is_valid():
            raise AssertionError(form.errors.as_json())
        return registration_submit(
            submitted_by=submitter, campaign=form.cleaned_data["campaign"], data=form.dossier_data()
        )

    def _claim_and_complete(self, samples: Samples, *, process_id: int, node, user, data: dict) -> None:
        task_id = _one(_open_task_ids(RecognitionTask, process_id=process_id, node=node))
        samples.measure("claim", task_claim, task_id=task_id, user=user)
        samples.measure(node.name, task_complete, task_id=task_id, user=user, data=data)

    def lifecycle(self, samples: Samples) -> None:
        users = self.cast.users
        today = timezone.localdate().isoformat()
        submitter = self.cast.submitters[self.count % len(self.cast.submitters)]
        movement_model = samples.measure("submit", self._submit, submitter=submitter)
        process_id = movement_model.process.pk
        self._claim_and_complete(
            samples,
            process_id=process_id,
            node=RecognitionFlow.check_dossier,
            user=users["thuongtruc"],
            data={"decision": "accept"},
        )
        self._claim_and_complete(
            samples,
            process_id=process_id,
            node=RecognitionFlow.survey,
            user=users["khaosat"],
            data={"visited_on": today, "findings": "Tốt", "recommendation": "recommend"},
        )
        for member in self.council:
            task_id = _one(
                _open_task_ids(RecognitionTask, process_id=process_id, node=RecognitionFlow.evaluate, owner=member)
            )
            points = {f"criterion_{code}": self.rng.randint(14, 20) for code in CRITERIA}
            samples.measure("evaluate", task_complete, task_id=task_id, user=member, data=points)
        self._claim_and_complete(
            samples,
            process_id=process_id,
            node=RecognitionFlow.recognise,
            user=users["truongban"],
            data={"decision_number": "5-QĐ/BCĐ", "signed_on": today},
        )
        adopters = [str(pk) for pk in self.rng.sample(self.adopters, 2) if pk != movement_model.unit_id]
        self._claim_and_complete(
            samples,
            process_id=process_id,
            node=RecognitionFlow.replicate,
            user=users["thuongtruc"],
            data={"adopting_units": adopters, "started_on": today, "status": "implementing", "close_tracking": "on"},
        )
        movement_model.refresh_from_db()
        movement_model.process.refresh_from_db()
        if movement_model.stage != ModelStage.CLOSED or movement_model.process.status != PROCESS.DONE:
            raise AssertionError(f"lifecycle ended at {movement_model.stage}/{movement_model.process.status}")


class BareDriver:
    """BareFlow through activations only: the viewflow cost without the domain."""

    def __init__(self, *, cast: DemoCast):
        self.cast = cast
        self.council = [cast.users[name] for name in ("hoidong1", "hoidong2", "hoidong3")]

    def _claim_and_complete(self, samples: Samples, *, process_id: int, node, user) -> None:
        task_id = _one(_open_task_ids(Task, process_id=process_id, node=node))
        samples.measure("claim", bare_claim, task_id=task_id, user=user)
        samples.measure(node.name, bare_complete, task_id=task_id, user=user)

    def lifecycle(self, samples: Samples) -> None:
        with without_history():
            self._lifecycle(samples)

    def _lifecycle(self, samples: Samples) -> None:
        users = self.cast.users
        process = samples.measure("submit", bare_start)
        self._claim_and_complete(samples, process_id=process.pk, node=BareFlow.check_dossier, user=users["thuongtruc"])
        self._claim_and_complete(samples, process_id=process.pk, node=BareFlow.survey, user=users["khaosat"])
        for member in self.council:
            task_id = _one(_open_task_ids(Task, process_id=process.pk, node=BareFlow.evaluate, owner=member))
            samples.measure("evaluate", bare_complete, task_id=task_id, user=member)
        self._claim_and_complete(samples, process_id=process.pk, node=BareFlow.recognise, user=users["truongban"])
        self._claim_and_complete(samples, process_id=process.pk, node=BareFlow.replicate, user=users["thuongtruc"])
        process.refresh_from_db()
        if process.status != PROCESS.DONE:
            raise AssertionError(f"bare lifecycle ended in {process.status}")


class PeerDriver:
    """BareFlow with history, Khéo's domain writes and a publish per new task (`bench.peer`)."""

    def __init__(self, *, domain: DomainDriver):
        self.domain = domain  # the same dossiers, units and random scores
        self.cast = domain.cast
        self.council = domain.council

    def _submit(self, *, submitter):
        form = DossierForm(data=self.domain._dossier(), user=submitter)
        if not form.is_valid():
            raise AssertionError(form.errors.as_json())
        return peer_start(submitter=submitter, dossier_form=form)

    def _claim_and_complete(self, samples: Samples, *, process_id: int, node, user, **step) -> None:
        task_id = _one(_open_task_ids(Task, process_id=process_id, node=node))
        samples.measure("claim", peer_claim, task_id=task_id, user=user)
        samples.measure(node.name, peer_complete, task_id=task_id, user=user, **step)

    def lifecycle(self, samples: Samples) -> None:
        with peer_stack():
            self._lifecycle(samples)

    def _lifecycle(self, samples: Samples) -> None:
        users, rng = self.cast.users, self.domain.rng
        today = timezone.localdate().isoformat()
        submitter = self.cast.submitters[self.domain.count % len(self.cast.submitters)]
        movement_model, process = samples.measure("submit", self._submit, submitter=submitter)
        model_id = movement_model.pk
        self._claim_and_complete(
            samples,
            process_id=process.pk,
            node=BareFlow.check_dossier,
            user=users["thuongtruc"],
            movement_model_id=model_id,
            data={"decision": "accept"},
        )
        self._claim_and_complete(
            samples,
            process_id=process.pk,
            node=BareFlow.survey,
            user=users["khaosat"],
            movement_model_id=model_id,
            data={"visited_on": today, "findings": "Tốt", "recommendation": "recommend"},
        )
        for seat, member in enumerate(self.council):
            task_id = _one(_open_task_ids(Task, process_id=process.pk, node=BareFlow.evaluate, owner=member))
            points = {f"criterion_{code}": rng.randint(14, 20) for code in CRITERIA}
            samples.measure(
                "evaluate",
                peer_complete,
                task_id=task_id,
                user=member,
                movement_model_id=model_id,
                data=points,
                tally=seat == len(self.council) - 1,
            )
        self._claim_and_complete(
            samples,
            process_id=process.pk,
            node=BareFlow.recognise,
            user=users["truongban"],
            movement_model_id=model_id,
            data={"decision_number": "5-QĐ/BCĐ", "signed_on": today},
        )
        adopters = [str(pk) for pk in rng.sample(self.domain.adopters, 2) if pk != movement_model.unit_id]
        self._claim_and_complete(
            samples,
            process_id=process.pk,
            node=BareFlow.replicate,
            user=users["thuongtruc"],
            movement_model_id=model_id,
            data={"adopting_units": adopters, "started_on": today, "status": "implementing", "close_tracking": "on"},
        )
        movement_model.refresh_from_db()
        process.refresh_from_db()
        if movement_model.stage != ModelStage.CLOSED or process.status != PROCESS.DONE:
            raise AssertionError(f"peer lifecycle ended at {movement_model.stage}/{process.status}")
