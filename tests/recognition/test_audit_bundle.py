"""Exporting one model's trail (JSON bundle + PDF) and verifying the bundle offline, bad input included."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recognition.models import AuditEvent
from tests.recognition.audit.support import Out
from tests.recognition.audit_support import check, register, straight_through

pytestmark = pytest.mark.django_db


def verify_bundle(path):
    out, err = Out(), Out()
    try:
        call_command("audit_verify", "--bundle", str(path), stdout=out, stderr=err)
    except CommandError as failure:
        return failure.returncode, str(failure), out.text + err.text
    return 0, "", out.text


@pytest.fixture
def exported(client, world, dossier, tmp_path):
    model = straight_through(world, dossier)
    client.force_login(world.auditor)
    response = client.get(f"/audit/models/{model.pk}/bundle.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    path = tmp_path / "bundle.json"
    path.write_bytes(response.content)
    return model, path, json.loads(response.content)


def test_exported_bundle_verifies_offline(exported, django_db_blocker):
    model, path, bundle = exported
    records = AuditEvent.objects.filter(movement_model=model).order_by("sequence")
    assert bundle["format"] == "kheo.audit-bundle"
    assert [r["id"] for r in bundle["records"]] == [e.pk for e in records]
    assert bundle["chain"]["head"] == {"sequence": records.count(), "hash": records.last().record_hash}
    # Offline: no query at all.
    with CaptureQueriesContext(connection) as queries:
        code, message, output = verify_bundle(path)
    assert (code, message) == (0, "")
    assert len(queries) == 0
    assert f"{records.count()} bản ghi, 1 chuỗi" in output
    assert records.last().record_hash in output


def test_edited_bundle_names_the_record(exported):
    model, path, bundle = exported
    record = bundle["records"][4]
    record["reason"] = "Sửa trong tệp"
    path.write_text(json.dumps(bundle, ensure_ascii=False))

    code, message, output = verify_bundle(path)
    assert code == 1
    assert f"mô hình #{model.pk}, bản ghi id={record['id']} (vị trí 5)" in message
    assert "nội dung đã bị sửa sau khi ghi" in message


def test_bundle_with_last_records_removed_contradicts_its_head(exported):
    model, path, bundle = exported
    total = len(bundle["records"])
    bundle["records"] = bundle["records"][:-2]
    path.write_text(json.dumps(bundle, ensure_ascii=False))

    code, message, _output = verify_bundle(path)
    assert code == 1
    assert f"ghi {total} bản ghi nhưng chỉ còn {total - 2}" in message


def test_truncated_bundle_file_gets_a_clear_verdict(exported):
    _model, path, _bundle = exported
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])

    code, message, _output = verify_bundle(path)
    assert code == 2
    assert "KHÔNG HỢP LỆ" in message
    assert "không phải JSON hợp lệ" in message
    assert "Traceback" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"hello": "world"}', "không phải gói nhật ký Khéo"),
        (b"[1, 2, 3]", "không phải gói nhật ký Khéo"),
        (b"\xff\xfe\x00binary", "không phải văn bản UTF-8"),
        (b"", "không phải JSON hợp lệ"),
        (
            b'{"format": "kheo.audit-bundle", "version": 1, "chain": {"key": "model:1"}, "records": [{"id": 1}]}',
            "thiếu trường",
        ),
        (b'{"format": "kheo.audit-bundle", "version": 9}', "không được hỗ trợ"),
    ],
)
def test_foreign_files_get_a_clear_verdict(tmp_path, content, expected):
    path = tmp_path / "other.json"
    path.write_bytes(content)
    code, message, _output = verify_bundle(path)
    assert code in (1, 2)
    assert expected in message
    assert "Traceback" not in message


def test_missing_bundle_file(tmp_path):
    code, message, _output = verify_bundle(tmp_path / "nope.json")
    assert code == 2
    assert "Không đọc được tệp" in message


def test_pdf_export_is_a_pdf_with_every_record(client, world, dossier):
    model = register(world, dossier)
    check(world, model, accept=False, reason="Thiếu biên bản họp dân.")
    client.force_login(world.auditor)
    response = client.get(f"/audit/models/{model.pk}/trail.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    # The font is embedded, so Vietnamese text renders without any font installed on the reader's machine.
    assert b"/FontFile2" in response.content
