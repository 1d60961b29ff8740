"""The human-readable PDF of one model's audit trail.

fpdf2 (pure Python) draws it with Noto Sans (`recognition.documents.fonts`), so
Vietnamese renders on a fresh machine with nothing installed but the Python
dependencies.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from recognition.documents.fonts import BOLD, FONT, REGULAR, font_path

from .presentation import Entry


class _TrailPdf(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.trail_title = title
        self.add_font(FONT, "", font_path(REGULAR))
        self.add_font(FONT, "B", font_path(BOLD))
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.cell(0, 5, f"{self.trail_title} — {_('Trang')} {self.page_no()}/{{nb}}", align="C")


def trail_pdf(*, movement_model, entries: list[Entry], head_hash: str, exported_by: str) -> bytes:
    pdf = _TrailPdf(_("Nhật ký kiểm tra mô hình #%(id)s") % {"id": movement_model.pk})
    pdf.add_page()
    width = pdf.epw

    def line(text: str, *, size: float = 9, bold: bool = False, height: float = 5):
        pdf.set_font(FONT, "B" if bold else "", size=size)
        pdf.multi_cell(width, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(_("NHẬT KÝ KIỂM TRA"), size=14, bold=True, height=8)
    line(f"{movement_model.name}", size=12, bold=True, height=7)
    line(
        _("Đơn vị đăng ký: %(unit)s — Đợt: %(campaign)s — Giai đoạn hiện tại: %(stage)s")
        % {
            "unit": movement_model.unit,
            "campaign": movement_model.campaign,
            "stage": movement_model.get_stage_display(),
        }
    )
    line(
        _("Xuất lúc %(when)s bởi %(who)s. Số bản ghi: %(count)s. Mã băm đầu chuỗi: %(head)s")
        % {
            "when": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
            "who": exported_by,
            "count": len(entries),
            "head": head_hash or "—",
        },
        size=8,
    )
    line(_("Kiểm tra tính toàn vẹn: python manage.py audit_verify --bundle <tệp JSON xuất kèm>."), size=8)
    pdf.ln(3)

    for entry in entries:
        event = entry.event
        pdf.set_draw_color(180, 180, 180)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1)
        line(f"#{event.sequence}  {entry.when:%d/%m/%Y %H:%M:%S}  —  {entry.action}", size=10, bold=True, height=6)
        who = entry.actor
        if entry.actor_unit:
            who += f" — {entry.actor_unit}"
        if entry.actor_roles:
            who += f" ({entry.actor_roles})"
        line(_("Người thực hiện: %(who)s") % {"who": who})
        if entry.on_behalf_of:
            line(_("Thay mặt cho: %(who)s") % {"who": entry.on_behalf_of})
        if entry.reason:
            line(_("Lý do: %(reason)s") % {"reason": entry.reason})
        for label, value in entry.values:
            line(f"• {label}: {value}", size=8, height=4.5)
        for label, before, after in entry.changes:
            line(f"• {label}: {before} → {after}", size=8, height=4.5)
        for item in entry.files:
            line(
                _("• Tệp: %(name)s (%(size)s byte) SHA-256 %(sha)s")
                % {
                    "name": item.get("name") or item.get("storage_name"),
                    "size": item.get("size", "?"),
                    "sha": item.get("sha256"),
                },
                size=8,
                height=4.5,
            )
        meta = f"IP {event.client_ip or '—'}"
        if event.user_agent:
            meta += f" · {event.user_agent[:90]}"
        line(meta, size=7, height=4)
        line(
            _("Mã băm: %(hash)s (trước: %(previous)s)")
            % {"hash": event.record_hash, "previous": event.previous_hash[:16]},
            size=7,
            height=4,
        )
        pdf.ln(1)
    return bytes(pdf.output())
