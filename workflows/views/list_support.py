"""What the task list pages need to stay cheap at a million rows.

- `BoundedPaginator`: counts exactly up to `KHEO_LIST_COUNT_BOUND` rows and otherwise
  says "hơn 1.000"; past the bound, "next" keeps working (offset pagination that reads
  one row more than a page to know whether another page follows), so no page ever
  needs the full count.
- `flow_step_choices`: the step filter's choices from the flow's nodes, not a DISTINCT
  over the task table.
- `sidebar_badges`: the inbox and queue badges, counted once per request, up to
  `KHEO_LIST_BADGE_BOUND` (99: "99+"), in one statement.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from viewflow.workflow.fields import get_task_ref

from workflows.nodes import HumanTask
from workflows.selectors import task_inbox_for, task_queue_for


def list_count_bound() -> int:
    """How many rows a list counts exactly (setting `KHEO_LIST_COUNT_BOUND`, shared with the API)."""
    return settings.KHEO_LIST_COUNT_BOUND


def badge_count_bound() -> int:
    """A sidebar badge is a glance: past this it reads "99+" (setting `KHEO_LIST_BADGE_BOUND`)."""
    return settings.KHEO_LIST_BADGE_BOUND


def _grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


class CountedPage(Page):
    """A page of a list counted exactly (no longer than the bound)."""

    @property
    def total_text(self) -> str:
        return _grouped(self.paginator.count)


class BoundedPage(Page):
    """A page read with one row more than it shows, when the total is not known exactly."""

    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1

    @property
    def total_text(self) -> str:
        """The last page tells the exact total; before it, "hơn <bound>"."""
        if self.has_next():
            return _("hơn %(count)s") % {"count": _grouped(self.paginator.bound)}
        return _grouped(self.end_index())


class BoundedPaginator(Paginator):
    """A paginator whose count is exact up to the bound and bounded beyond it.

    The count reads at most `bound + 1` rows (`SELECT COUNT(*) FROM (... LIMIT bound + 1)`),
    so its cost does not grow with the list. When the list is longer than the bound, the
    number of pages is unknown: a page is then read with one extra row, which tells
    whether a next page exists; a page past the end answers 404 as before.
    """

    def __init__(self, object_list, per_page, *args, bound: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.bound = list_count_bound() if bound is None else bound

    @cached_property
    def count(self) -> int:
        """The number of rows, or `bound + 1` when there are more than `bound`."""
        if isinstance(self.object_list, QuerySet):
            return self.object_list.order_by()[: self.bound + 1].count()
        return min(len(self.object_list), self.bound + 1)

    @property
    def count_is_exact(self) -> bool:
        return self.count <= self.bound

    def validate_number(self, number):
        if self.count_is_exact:
            return super().validate_number(number)
        # Past the bound the last page is unknown (`num_pages` counts only the pages known
        # to exist, which is where "?page=last" leads): `page` finds out by reading it.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if self.count_is_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return BoundedPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)

    def _get_page(self, *args, **kwargs):
        return CountedPage(*args, **kwargs)


@cache
def flow_step_choices(flow_class, *, human_only: bool) -> tuple[tuple[str, str], ...]:
    """The flow's steps in the order the flow declares them, labelled with their titles.

    `human_only` keeps the steps a person works on (the only ones in an inbox, a queue
    or an archive); otherwise every node that leaves a task row is offered.
    """
    nodes = flow_class.instance.nodes()
    by_name = {node.name: node for node in nodes}
    declared = [name for klass in reversed(flow_class.__mro__) for name in vars(klass) if name in by_name]
    ordered = [by_name[name] for name in dict.fromkeys(declared)]
    return tuple(
        (get_task_ref(node), node.task_title) for node in ordered if not human_only or isinstance(node, HumanTask)
    )


def bounded_counts(querysets: dict[str, QuerySet], *, bound: int) -> dict[str, int]:
    """Each queryset's number of rows, exact up to `bound` (`bound + 1` means more), in one statement.

    Precondition: the querysets use the same database.
    """
    counts, selects, params, using = {}, [], [], None
    for name, queryset in querysets.items():
        limited = queryset.order_by().values("pk")[: bound + 1]
        using = limited.db
        try:
            sql, query_params = limited.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:
            counts[name] = 0
            continue
        selects.append((name, f"(SELECT COUNT(*) FROM ({sql}) AS bounded_{len(selects)})"))
        params.extend(query_params)
    if selects:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(select for _, select in selects), params)
            row = cursor.fetchone()
        counts.update((name, value) for (name, _), value in zip(selects, row, strict=True))
    return {name: counts[name] for name in querysets}


def task_badge_counts(*, user, bound: int) -> dict[str, int]:
    """The user's inbox and queue sizes, exact up to `bound`, in one statement."""
    return bounded_counts({"inbox": task_inbox_for(user=user), "queue": task_queue_for(user=user)}, bound=bound)


class _Badge:
    """What viewflow's flow menu reads as `{{ user_inbox.count }}`: the badge's text."""

    def __init__(self, badges: "SidebarBadges", name: str):
        self._badges, self._name = badges, name

    @property
    def count(self) -> str:
        count, bound = self._badges.counts[self._name], self._badges.bound
        return f"{bound}+" if count > bound else str(count)


class SidebarBadges:
    """The sidebar's counts of one request, read when the menu first shows one."""

    def __init__(self, user):
        self._user = user
        self.bound = badge_count_bound()
        self.inbox = _Badge(self, "inbox")
        self.queue = _Badge(self, "queue")

    @cached_property
    def counts(self) -> dict[str, int]:
        return task_badge_counts(user=self._user, bound=self.bound)


def sidebar_badges(request) -> SidebarBadges:
    """The request's badges, created once however many times the menu is rendered."""
    badges = getattr(request, "_kheo_sidebar_badges", None)
    if badges is None:
        badges = request._kheo_sidebar_badges = SidebarBadges(request.user)
    return badges
