"""The Vietnamese words for what audit records hold: payload keys, coded values, rules.

Every key a service writes into a payload has a label here (the test of the
auditor's pages checks that no key is shown as it is).
"""

import re

from django.utils.translation import gettext_lazy as _

from recognition.models import (
    ApprovalOutcome,
    AwardKind,
    Classification,
    DecisionKind,
    ModelStage,
    ReplicationStatus,
    ReReviewOutcome,
    SurveyRecommendation,
)

NODE_LABELS = {
    "check_dossier": _("Kiểm tra hồ sơ"),
    "revise": _("Bổ sung hồ sơ"),
    "survey": _("Khảo sát thực tế"),
    "evaluate": _("Chấm điểm"),
    "recognise": _("Ký quyết định công nhận"),
    "replicate": _("Theo dõi nhân rộng"),
    "approve": _("Ý kiến phê duyệt"),
    "adoption_report": _("Báo cáo kết quả nhân rộng"),
    "rereview": _("Rà soát hằng năm"),
}

VALUE_LABELS = {
    "node": _("Bước"),
    "award_proposal": _("Mã tờ trình đề nghị khen thưởng"),
    "proposal_number": _("Số tờ trình"),
    "award_kind": _("Hình thức khen thưởng"),
    "authority": _("Cấp có thẩm quyền"),
    "pdf_sha256": _("SHA-256 của tệp PDF"),
    "award_number": _("Số quyết định khen thưởng"),
    "decided_on": _("Ngày quyết định khen thưởng"),
    "decision": _("Kết luận"),
    "reason": _("Lý do"),
    "visited_on": _("Ngày khảo sát"),
    "findings": _("Kết quả khảo sát"),
    "recommendation": _("Kiến nghị"),
    "comment": _("Nhận xét"),
    "decision_number": _("Số quyết định"),
    "signed_on": _("Ngày ký"),
    "summary": _("Trích yếu"),
    "adopting_units": _("Đơn vị áp dụng"),
    "adopting_unit": _("Đơn vị áp dụng"),
    "started_on": _("Ngày bắt đầu"),
    "status": _("Trạng thái"),
    "close_tracking": _("Kết thúc theo dõi"),
    "stage": _("Giai đoạn"),
    "final_score": _("Điểm tổng hợp"),
    "outcome_reason": _("Lý do kết quả"),
    "owner": _("Người xử lý"),
    "previous_owner": _("Người xử lý trước"),
    "unit": _("Đơn vị"),
    "campaign": _("Đợt đăng ký"),
    "permission": _("Quyền cần có"),
    "number": _("Số quyết định"),
    "classification": _("Xếp loại"),
    "score": _("Điểm"),
    "total": _("Tổng điểm"),
    "aggregation": _("Cách tổng hợp"),
    "pass_threshold": _("Ngưỡng công nhận"),
    "outstanding_threshold": _("Ngưỡng tiêu biểu"),
    "max_total": _("Tổng điểm tối đa"),
    "member_totals": _("Tổng điểm của từng thành viên"),
    "votes": _("Số phiếu theo từng xếp loại"),
    "replications": _("Số đơn vị nhân rộng"),
    "model": _("Loại dữ liệu"),
    "object_repr": _("Bản ghi"),
    "operation": _("Thao tác"),
    "rule": _("Quy tắc"),
    "recipients": _("Người nhận"),
    "skipped": _("Không gửi cho"),
    "due_on": _("Hạn xử lý"),
    "level": _("Cấp chuyển"),
    "supervising_unit": _("Đơn vị giám sát"),
    "overdue_working_days": _("Số ngày làm việc quá hạn"),
    "reassigned_to": _("Chuyển cho"),
    "user": _("Người dùng"),
    "value": _("Giá trị"),
    "day": _("Ngày niêm phong"),
    "digest_hash": _("Mã băm niêm phong"),
    "device": _("Thiết bị xác thực"),
    "replaced_devices": _("Số thiết bị cũ bị thay"),
    "codes": _("Số mã khôi phục"),
    "username": _("Tên đăng nhập"),
    "ip_address": _("Địa chỉ IP"),
    "failures": _("Số lần nhập sai"),
    "version_number": _("Phiên bản quy trình số"),
    "from_version": _("Từ phiên bản quy trình"),
    "to_version": _("Sang phiên bản quy trình"),
    "step": _("Mã bước phê duyệt"),
    "step_title": _("Bước phê duyệt"),
    "outcome": _("Ý kiến"),
    "stages_skipped": _("Bước bỏ qua"),
    "stages_added": _("Bước thêm vào"),
    "tasks_replanned": _("Nhiệm vụ được tính lại hạn"),
    "tasks_cancelled": _("Nhiệm vụ bị hủy"),
    "orphan_choices": _("Xử lý nhiệm vụ ở bước bị bỏ"),
    "task_units": _("Đơn vị xử lý mới của nhiệm vụ"),
    "spec_sha256": _("Dấu vân tay nội dung quy trình (SHA-256)"),
    "member": _("Thành viên hội đồng"),
    "member_unit": _("Đơn vị của thành viên"),
    "round": _("Vòng chấm điểm"),
    "quorum": _("Số phiếu tối thiểu"),
    "seats": _("Số ghế chấm"),
    "voters": _("Thành viên đã chấm"),
    "absent": _("Thành viên chưa chấm"),
    "dissent": _("Thành viên có ý kiến khác kết quả"),
    "adoption_report": _("Báo cáo kết quả nhân rộng"),
    "implementing_since": _("Triển khai từ ngày"),
    "effective_since": _("Hiệu quả từ ngày"),
    "year": _("Năm rà soát"),
    "evidence": _("Tệp minh chứng"),
    "no_longer_effective_since": _("Không còn hiệu quả từ ngày"),
    "rereview_outcome": _("Kết luận rà soát"),
    "decision_kind": _("Loại quyết định"),
    "models_count": _("Số mô hình trong quyết định"),
    "scan_sha256": _("Mã băm bản quét (SHA-256)"),
    # Registration on a unit's behalf, duplicate names, nomination upward (issue 11)
    "on_behalf": _("Đăng ký thay đơn vị"),
    "registered_by_unit": _("Đơn vị đăng ký thay"),
    "duplicates_confirmed": _("Đã xác nhận không trùng với mô hình"),
    "source_campaign": _("Đợt của cấp dưới"),
    "survey_reports": _("Báo cáo khảo sát của cấp dưới"),
    "evaluation_results": _("Kết quả đánh giá của cấp dưới"),
}

# Keys that hold the id of a stored row: shown as "#<id>" under these labels.
RECORD_ID_LABELS = {
    "decision": _("Mã quyết định"),
    "review": _("Mã phiếu kiểm tra hồ sơ"),
    "report": _("Mã báo cáo khảo sát"),
    "result": _("Mã kết quả đánh giá"),
    "replication": _("Mã bản ghi nhân rộng"),
    "slot": _("Mã mốc hạn"),
    "object": _("Mã bản ghi"),
    "definition": _("Mã quy trình"),
    "version": _("Mã phiên bản quy trình"),
    "replaced_by": _("Mã phiên bản thay thế"),
    "opinion": _("Mã ý kiến phê duyệt"),
    "rereview": _("Mã bản ghi rà soát hằng năm"),
    "revokes": _("Mã quyết định bị thu hồi"),
    "amends": _("Mã quyết định được sửa đổi"),
    "revoked_by": _("Mã quyết định thu hồi"),
    "nominated_from": _("Mã mô hình được đề nghị từ cấp dưới"),
    "nomination": _("Mã mô hình ở đợt cấp trên"),
}

CHOICE_LABELS = {
    "decision": {"accept": _("Hồ sơ hợp lệ, chuyển khảo sát"), "return": _("Trả lại đơn vị để bổ sung")},
    "recommendation": dict(SurveyRecommendation.choices),
    # Replication statuses, and the statuses viewflow gives a process (PROCESS_CANCELLED).
    "status": {
        **dict(ReplicationStatus.choices),
        "NEW": _("Đang xử lý"),
        "DONE": _("Đã hoàn thành"),
        "CANCELED": _("Đã hủy"),
        # procedures.ProcedureVersion.Status (that app builds on this one, so its words are repeated here)
        "draft": _("Bản nháp"),
        "published": _("Đang áp dụng"),
        "retired": _("Đã thay thế"),
    },
    "stage": dict(ModelStage.choices),
    "rereview_outcome": dict(ReReviewOutcome.choices),
    "outcome": dict(ApprovalOutcome.choices),
    "classification": dict(Classification.choices),
    "award_kind": dict(AwardKind.choices),
    "decision_kind": dict(DecisionKind.choices),
    "kind": {"model": _("Mô hình"), "exemplar": _("Điển hình")},
    "collective_kind": {"collective": _("Tập thể"), "individual": _("Cá nhân")},
    "aggregation": {
        "mean": _("Bình quân"),
        "median": _("Trung vị"),
        "trimmed_mean": _("Bình quân bỏ điểm cao nhất, thấp nhất"),
        "majority": _("Theo đa số"),
    },
    "operation": {"add": _("Thêm"), "change": _("Sửa"), "delete": _("Xóa")},
    "reason": {
        "inactive": _("tài khoản đã khóa"),
        "no_candidate": _("không có người nhận phù hợp"),
        "no_supervisor_at_level": _("không có cấp giám sát"),
    },
}

_REMINDER_BEFORE = re.compile(r"^reminder\.d-(\d+)$")
_ESCALATION = re.compile(r"^escalation\.level-(\d+)$")


def rule_label(rule: str) -> str:
    """A deadline rule ("reminder.d-2", "reminder.d0", "escalation.level-1") in words."""
    if rule == "reminder.d0":
        return str(_("Nhắc vào ngày đến hạn"))
    if match := _REMINDER_BEFORE.match(rule):
        return str(_("Nhắc trước hạn %(days)s ngày làm việc") % {"days": match[1]})
    if match := _ESCALATION.match(rule):
        return str(_("Chuyển cấp trên lần %(level)s") % {"level": match[1]})
    return rule
