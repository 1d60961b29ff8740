"""What an official document says, independent of the records it came from and of its drawing.

Party style (Hướng dẫn 36-HD/VPTW): superior body and issuing body top left, "ĐẢNG CỘNG SẢN
VIỆT NAM" top right, number "12-QĐ/BCĐ". State style (Nghị định 30/2020/NĐ-CP): issuing
body top left with "Số: 05/QĐ-UBND", the national motto top right.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class DocumentStyle(StrEnum):
    PARTY = "party"
    STATE = "state"


@dataclass(frozen=True)
class SignerBlock:
    on_behalf: str  # "T/M BAN CHỈ ĐẠO" / "TM. ỦY BAN NHÂN DÂN"
    title: str  # "TRƯỞNG BAN" / "CHỦ TỊCH"
    name: str  # full name, Vietnamese order


@dataclass(frozen=True)
class AnnexRow:
    name: str
    unit: str
    field: str
    collective_kind: str  # label: "Tập thể" / "Cá nhân"
    classification: str  # label: "Công nhận" / "Tiêu biểu"


@dataclass(frozen=True)
class DocumentHeader:
    style: DocumentStyle
    superior_body: str  # "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ" (may be "")
    issuing_body: str  # "BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”"
    number: str  # "12-QĐ/BCĐ" (empty on a draft)
    place: str  # "Cần Thơ"
    signed_on: date


@dataclass(frozen=True)
class DecisionDocument:
    header: DocumentHeader
    summary: str  # trích yếu: "về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2025"
    bases: list[str]  # "Căn cứ ..." lines
    deciding_body: str  # "BAN CHỈ ĐẠO ... QUYẾT ĐỊNH" line's body
    articles: list[str]  # text of Điều 1, Điều 2, ... (without the "Điều N." prefix)
    signer: SignerBlock
    recipients: list[str]  # nơi nhận lines, without the leading "- " ("Lưu VP." last)
    annex_title: str
    annex_rows: list[AnnexRow] = field(default_factory=list)


@dataclass(frozen=True)
class CertificateDocument:
    """One model's certificate of recognition (giấy chứng nhận)."""

    header: DocumentHeader
    model_name: str
    unit: str
    field: str
    collective_kind: str
    classification: str
    decision_number: str
    signer: SignerBlock


@dataclass(frozen=True)
class AwardProposalDocument:
    """The standing body's list proposing tiêu biểu models for a giấy khen / bằng khen (tờ trình)."""

    header: DocumentHeader
    addressee: str  # "Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Cần Thơ"
    summary: str
    body: list[str]
    award_kind: str  # label: "Giấy khen" / "Bằng khen"
    rows: list[AnnexRow]
    signer: SignerBlock
    recipients: list[str]
