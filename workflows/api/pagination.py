"""Keyset (cursor) pagination for the API lists, with a bounded count.

A page is the rows that follow the last row seen, in the list's order with the id as the
unique tie-breaker (`WHERE created >= … AND (created > … OR id > …) ORDER BY created, id
LIMIT n + 1`): a page never repeats or skips a row while tasks are added or finished, and
page 4,000 costs what page 1 costs. DRF's `CursorPagination` does the paging and the
next/previous links; its cursor holds only the first ordering field plus an offset for
ties, so here the cursor holds the whole key (every ordering field) and the offset stays 0.

Cursors are signed with a timestamp (`django.core.signing`, salted): a cursor that was
altered, made for another list or another order, or signed more than `CURSOR_MAX_AGE` ago
is refused with a 400 naming `cursor`. The age limit is a choice, not a need of the keyset
(an old position is still a valid place in the list): it bounds how long a copied link or
a leaked token keeps working and lets a change of cursor format or of SECRET_KEY retire
old cursors within a day instead of never. A client that gets the 400 starts again from
the first page.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from workflows.list_counts import count_bounded

CURSOR_MAX_AGE = timedelta(hours=24)
_CURSOR_SALT = "kheo.api.cursor"


def keyset_after(ordering: tuple[str, ...], position: list) -> Q:
    """The rows after `position` (one value per field of `ordering`) in that order.

    The first field's bound is repeated outside the OR so that an index on the ordering
    serves it as a range.
    """
    condition = Q()
    for field, value in reversed(list(zip(ordering, position, strict=True))):
        name = field.removeprefix("-")
        beyond = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": value})
        condition = beyond | (Q(**{name: value}) & condition) if condition else beyond
    first = ordering[0]
    bound = Q(**{f"{first.removeprefix('-')}__{'lte' if first.startswith('-') else 'gte'}": position[0]})
    return bound & condition


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(field.removeprefix("-") if field.startswith("-") else f"-{field}" for field in ordering)


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


class KeysetPagination(CursorPagination):
    """Pages of a list whose view declares `orderings`: {public key: order_by fields}.

    The first entry of `orderings` is the default; each order must end with a unique
    field (the id) and its fields must be columns of the listed model that are never null.
    """

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    retired_query_param = "page"
    cursor_query_description = gettext_lazy(
        "Con trỏ trang: lấy từ liên kết next/previous của trang trước, không tự tạo; hết hạn sau 24 giờ."
    )
    page_size_query_description = gettext_lazy("Số mục mỗi trang, từ 1 đến 100 (mặc định 25).")
    ordering_query_description = gettext_lazy("Thứ tự của danh sách; dấu - là giảm dần.")

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size, self.ordering_key, self.ordering, self.cursor = self._read_query(request, view)
        self.count = count_bounded(queryset)

        reverse = self.cursor is not None and self.cursor.reverse
        current_position = self.cursor.position if self.cursor is not None else None
        ordering = _reversed(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*ordering)
        if current_position is not None:
            queryset = queryset.filter(keyset_after(ordering, current_position))

        # One row more than a page tells whether a page follows.
        results = list(queryset[: self.page_size + 1])
        self.page = results[: self.page_size]
        has_following_position = len(results) > len(self.page)
        following_position = (
            self._get_position_from_instance(results[-1], self.ordering) if has_following_position else None
        )
        if reverse:
            self.page.reverse()
            self.has_next, self.next_position = current_position is not None, current_position
            self.has_previous, self.previous_position = has_following_position, following_position
        else:
            self.has_next, self.next_position = has_following_position, following_position
            self.has_previous, self.previous_position = current_position is not None, current_position
        self.display_page_controls = self.has_previous or self.has_next
        return self.page

    def _read_query(self, request, view):
        """Page size, order and cursor from the query string; every mistake in one 400 field map."""
        errors = {}
        if self.retired_query_param in request.query_params:
            errors[self.retired_query_param] = [
                _("Danh sách dùng con trỏ trang: theo liên kết next/previous (tham số cursor) thay cho page.")
            ]
        try:
            page_size = self.get_page_size(request)
        except ValidationError as error:
            errors.update(error.detail)
            page_size = self.page_size
        orderings = view.orderings
        ordering_key = request.query_params.get(self.ordering_query_param, next(iter(orderings)))
        cursor = None
        if ordering_key not in orderings:
            errors[self.ordering_query_param] = [
                _("Không sắp xếp được theo khóa này (ordering). Chọn một trong: %(keys)s.")
                % {"keys": ", ".join(orderings)}
            ]
        else:
            try:
                cursor = self.decode_cursor(request, ordering_key=ordering_key, size=len(orderings[ordering_key]))
            except ValidationError as error:
                errors.update(error.detail)
        if errors:
            raise ValidationError(errors)
        return page_size, ordering_key, orderings.get(ordering_key), cursor

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Số mục mỗi trang (page_size) phải là số nguyên từ 1 đến %(max)s.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def decode_cursor(self, request, *, ordering_key: str = "", size: int = 0) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            payload = signing.loads(encoded, salt=_CURSOR_SALT, max_age=CURSOR_MAX_AGE)
        except signing.SignatureExpired:
            raise self._cursor_error(
                _("Con trỏ trang (cursor) đã hết hạn sau %(hours)s giờ. Hãy tải lại danh sách từ trang đầu.")
                % {"hours": int(CURSOR_MAX_AGE.total_seconds() // 3600)}
            ) from None
        except signing.BadSignature:
            raise self._invalid_cursor() from None
        # Signed by us, so well-formed; but it must have been made for this list and this order.
        if payload.get("list") != request.path or payload.get("ordering") != ordering_key:
            raise self._invalid_cursor()
        position = payload["position"]
        if len(position) != size:
            raise self._invalid_cursor()
        return Cursor(offset=0, reverse=bool(payload["reverse"]), position=position)

    def _cursor_error(self, message: str) -> ValidationError:
        return ValidationError({self.cursor_query_param: [message]})

    def _invalid_cursor(self) -> ValidationError:
        return self._cursor_error(
            _("Con trỏ trang (cursor) không hợp lệ hoặc không thuộc danh sách này. Hãy tải lại danh sách từ trang đầu.")
        )

    def encode_cursor(self, cursor: Cursor) -> str:
        payload = {
            "list": self.request.path,
            "ordering": self.ordering_key,
            "reverse": int(cursor.reverse),
            "position": cursor.position,
        }
        token = signing.dumps(payload, salt=_CURSOR_SALT)
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def _get_position_from_instance(self, instance, ordering) -> list:
        return [_json_value(getattr(instance, field.removeprefix("-"))) for field in ordering]

    def get_paginated_response(self, data) -> Response:
        return Response(
            {
                "count": self.count.value,
                "count_exact": self.count.exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema) -> dict:
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = ["count", "count_exact", "next", "previous", "results"]
        paged["properties"] = {
            "count": {
                "type": "integer",
                "example": 123,
                "description": _(
                    "Số mục của cả danh sách (mọi trang), đếm tới %(bound)s; "
                    "khi count_exact là false thì có nhiều hơn %(bound)s mục và count bằng %(bound)s."
                )
                % {"bound": settings.KHEO_LIST_COUNT_BOUND},
            },
            "count_exact": {
                "type": "boolean",
                "description": _("true: count là số chính xác; false: có nhiều hơn count mục."),
            },
            "next": {
                "type": "string",
                "nullable": True,
                "format": "uri",
                "description": _("Trang sau (null ở trang cuối); giữ nguyên page_size và ordering."),
            },
            "previous": {
                "type": "string",
                "nullable": True,
                "format": "uri",
                "description": _("Trang trước (null ở trang đầu)."),
            },
            "results": paged["properties"]["results"],
        }
        return paged

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        orderings = list(view.orderings)
        parameters.append(
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": force_str(self.ordering_query_description),
                "schema": {"type": "string", "enum": orderings, "default": orderings[0]},
            }
        )
        return parameters
