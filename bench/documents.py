"""How long the official documents take to draw: a 2,500-model decision (both styles), a
certificate, and a 500-model award proposal. Pure drawing, no database.

Target (issue 11): issuing a 2,500-model decision ≤ 10 s including its PDF; the PDF alone is
meant to stay well under 5 s. The fonts are built once per machine before timing.
"""

import argparse
import statistics
import sys
import time
from datetime import date

from recognition.documents.award_proposal import award_proposal_pdf
from recognition.documents.certificate import certificate_pdf
from recognition.documents.content import (
    AnnexRow,
    AwardProposalDocument,
    CertificateDocument,
    DecisionDocument,
    DocumentHeader,
    DocumentStyle,
    SignerBlock,
)
from recognition.documents.decision import decision_pdf

TARGET_SECONDS = 5.0
PARTY_BODY = "BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”"


def _rows(count: int) -> list[AnnexRow]:
    return [
        AnnexRow(
            name=f"Vận động nhân dân hiến đất, tặng cây xây dựng nông thôn mới (mô hình {index})",
            unit="Hội Liên hiệp Phụ nữ phường Ninh Kiều",
            field="Văn hóa - xã hội",
            collective_kind="Tập thể",
            classification="Tiêu biểu" if index % 9 == 0 else "Công nhận",
        )
        for index in range(1, count + 1)
    ]


def _header(style: DocumentStyle, number: str) -> DocumentHeader:
    party = style == DocumentStyle.PARTY
    return DocumentHeader(
        style=style,
        superior_body="ĐẢNG BỘ THÀNH PHỐ CẦN THƠ" if party else "",
        issuing_body=PARTY_BODY if party else "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU",
        number=number,
        place="Cần Thơ",
        signed_on=date(2026, 1, 5),
    )


def _decision(style: DocumentStyle, count: int) -> DecisionDocument:
    party = style == DocumentStyle.PARTY
    return DecisionDocument(
        header=_header(style, "12-QĐ/BCĐ" if party else "05/QĐ-UBND"),
        summary="về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2025",
        bases=["- Căn cứ Quy chế dân vận của hệ thống chính trị;", "- Xét đề nghị của Ban Dân vận,"],
        deciding_body=PARTY_BODY if party else "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU",
        articles=[f"Công nhận {count} mô hình (có danh sách kèm theo).", "Quyết định có hiệu lực kể từ ngày ký."],
        signer=SignerBlock(on_behalf="T/M BAN CHỈ ĐẠO", title="TRƯỞNG BAN", name="Huỳnh Thanh Sơn"),
        recipients=["Các đơn vị có tên tại Điều 1,", "Lưu VP."],
        annex_title="DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO”",
        annex_rows=_rows(count),
    )


def _timed(draw, document, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(draw(document))
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    decision_pdf(_decision(DocumentStyle.PARTY, 1))  # builds the static fonts once per machine
    signer = SignerBlock(on_behalf="T/M BAN CHỈ ĐẠO", title="TRƯỞNG BAN", name="Huỳnh Thanh Sơn")
    cases = [
        (f"decision, Party style, {args.rows} rows", decision_pdf, _decision(DocumentStyle.PARTY, args.rows)),
        (f"decision, State style, {args.rows} rows", decision_pdf, _decision(DocumentStyle.STATE, args.rows)),
        (
            "certificate",
            certificate_pdf,
            CertificateDocument(
                header=_header(DocumentStyle.PARTY, "12-QĐ/BCĐ"),
                model_name="Tổ liên gia tự quản đảm bảo an ninh trật tự",
                unit="Công an phường Cái Khế",
                field="Quốc phòng - an ninh",
                collective_kind="Tập thể",
                classification="Tiêu biểu",
                decision_number="12-QĐ/BCĐ",
                signer=signer,
            ),
        ),
        (
            "award proposal, 500 rows",
            award_proposal_pdf,
            AwardProposalDocument(
                header=_header(DocumentStyle.PARTY, "03-TTr/BCĐ"),
                addressee="Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Cần Thơ",
                summary="về việc đề nghị tặng Bằng khen cho mô hình, điển hình “Dân vận khéo” tiêu biểu",
                body=["Ban Chỉ đạo kính đề nghị tặng Bằng khen cho 500 mô hình."],
                award_kind="Bằng khen",
                rows=_rows(500),
                signer=signer,
                recipients=["Như trên,", "Lưu VP."],
            ),
        ),
    ]
    failed = False
    print(f"{'document':<40}{'median s':>10}{'KiB':>8}")
    for label, draw, document in cases:
        seconds, size = _timed(draw, document, args.repeat)
        failed |= seconds > TARGET_SECONDS
        print(f"{label:<40}{seconds:>10.2f}{size / 1024:>8.0f}", flush=True)
    print(f"Target: each document ≤ {TARGET_SECONDS:.0f} s (median of {args.repeat}).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
