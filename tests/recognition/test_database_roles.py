"""The app's PostgreSQL role can add to and read the audit trail, never rewrite it; `db_roles` sets it up.

pytest-django creates the test database as the owner (postgres). Each test creates its
own app role (roles are cluster-wide: unique name, dropped at teardown), grants with
`manage.py db_roles`, then connects as that role: with psycopg directly, or by pointing
Django's default connection at it for a whole lifecycle.
"""

import io
import uuid
from contextlib import closing
from dataclasses import dataclass

import environ
import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import errors

from recognition import database_roles
from recognition.database_roles.probe import app_connection_params
from recognition.models import AuditEvent, Replication
from recognition.models.audit import AuditChainHead, AuditCheckpoint, AuditDigest, AuditLeaf
from recognition.services.audit import audit_digest_seal
from tests.recognition.audit_support import REGISTER, actions_of, register, straight_through

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="database roles and privileges are a PostgreSQL feature"
    ),
    # Committed rows: the app role's own connection must see what the owner wrote, and
    # serialized_rollback restores the reference data that migrations seed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
APPEND_ONLY = database_roles.append_only_tables()
HEADS = AuditChainHead._meta.db_table
PASSWORD = "mat-khau-thu-nghiem"


@dataclass
class AppRole:
    name: str

    def connect(self) -> psycopg.Connection:
        params = app_connection_params(connection.get_connection_params(), role=self.name, password=PASSWORD)
        return psycopg.connect(**params, autocommit=True)


def db_roles(*args, **options) -> str:
    out = io.StringIO()
    call_command("db_roles", *args, stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.fixture
def app_role(monkeypatch):
    monkeypatch.setenv("KHEO_TEST_APP_PASSWORD", PASSWORD)
    role = AppRole(f"kheo_test_app_{uuid.uuid4().hex[:12]}")
    db_roles(app_role=role.name, password_env="KHEO_TEST_APP_PASSWORD")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role.name}"')
        cursor.execute(f'DROP ROLE "{role.name}"')


@pytest.fixture
def as_app_role(app_role):
    """Django's default connection signs in as the app role for the test, as the web app and workers do."""
    settings_dict = connection.settings_dict
    saved = settings_dict["USER"], settings_dict["PASSWORD"]
    connection.close()
    settings_dict["USER"], settings_dict["PASSWORD"] = app_role.name, PASSWORD
    yield app_role
    connection.close()
    settings_dict["USER"], settings_dict["PASSWORD"] = saved


def refused(cursor, statement: str, params=()) -> str:
    """Run `statement`; it must fail with a permission error. Returns the error message."""
    with pytest.raises(errors.InsufficientPrivilege) as failure:
        cursor.execute(statement, params)
    return failure.value.diag.message_primary


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_app_role_can_add_and_read_but_not_rewrite_an_audit_table(app_role, table, world, dossier):
    register(world, dossier)
    audit_digest_seal()
    # The registration's records and the seal's own record; the seal; the leaves and checkpoint
    # the sequencer has written (none yet in this test, it runs every minute).
    rows = {
        AuditEvent._meta.db_table: len(REGISTER) + 1,
        AuditDigest._meta.db_table: 1,
        AuditLeaf._meta.db_table: 0,
        AuditCheckpoint._meta.db_table: 0,
    }[table]

    with closing(app_role.connect()) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (app_role.name,)
        column = {AuditLeaf._meta.db_table: "chain_key", AuditCheckpoint._meta.db_table: "root_hash"}.get(
            table, "previous_hash"
        )
        assert "permission denied" in refused(cursor, f"UPDATE {table} SET {column} = {column}")
        assert "permission denied" in refused(cursor, f"DELETE FROM {table}")
        assert "permission denied" in refused(cursor, f"TRUNCATE {table}")
        assert "must be owner" in refused(cursor, f"ALTER TABLE {table} ADD COLUMN forged text")
        assert "must be owner" in refused(cursor, f"ALTER TABLE {table} DISABLE TRIGGER USER")
        assert "must be owner" in refused(cursor, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        assert "must be owner" in refused(cursor, f"DROP TABLE {table}")
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone() == (rows,)
        # The privilege is checked even when no row is inserted (the lifecycle test inserts real ones).
        cursor.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE false")

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone() == (rows,)


def test_chain_head_cannot_be_moved_back_rewritten_or_deleted_by_the_app_role(app_role, world, dossier):
    model = register(world, dossier)
    key = f"model:{model.pk}"
    head = AuditChainHead.objects.get(chain_key=key)
    assert head.sequence == len(REGISTER)

    with closing(app_role.connect()) as conn, conn.cursor() as cursor:
        where = "WHERE chain_key = %s"
        assert "only move forward" in refused(cursor, f"UPDATE {HEADS} SET sequence = sequence - 1 {where}", [key])
        assert "only move forward" in refused(cursor, f"UPDATE {HEADS} SET head_hash = %s {where}", ["0" * 64, key])
        assert "permission denied" in refused(cursor, f"UPDATE {HEADS} SET chain_key = 'model:0' {where}", [key])
        assert "permission denied" in refused(cursor, f"DELETE FROM {HEADS} {where}", [key])
        assert "permission denied" in refused(cursor, f"TRUNCATE {HEADS}")
        assert "must be owner" in refused(cursor, f"ALTER TABLE {HEADS} DISABLE TRIGGER ALL")
        assert "must start with sequence = 0" in refused(
            cursor,
            f"INSERT INTO {HEADS} (chain_key, sequence, head_hash, updated_at) VALUES ('model:0', 5, %s, now())",
            ["1" * 64],
        )

    head_after = AuditChainHead.objects.get(chain_key=key)
    assert (head_after.sequence, head_after.head_hash) == (head.sequence, head.head_hash)
    assert AuditChainHead.objects.count() == 1


def test_full_lifecycle_runs_as_the_app_role(as_app_role, world, dossier):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (as_app_role.name,)

    model = straight_through(world, dossier)
    digest = audit_digest_seal()
    out = io.StringIO()
    call_command("audit_verify", stdout=out)

    assert actions_of(model)[-1] == "task_completed"
    assert len(actions_of(model)) == AuditChainHead.objects.get(chain_key=f"model:{model.pk}").sequence
    last_of_model = AuditEvent.objects.filter(movement_model=model).order_by("sequence").last()
    # The decision is a record about no single model: the one record of the global chain.
    issued = AuditEvent.objects.get(action="decision_issued")
    assert (issued.chain_key, issued.sequence) == ("global", 1)
    assert digest.heads == {
        f"model:{model.pk}": [len(actions_of(model)), last_of_model.record_hash],
        "global": [1, issued.record_hash],
    }
    assert out.getvalue().startswith("TOÀN VẸN:")


def _privileges(role: str) -> list[tuple]:
    """(relation, column or None, privilege) of every table, column and sequence privilege `role` holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, NULL, acl.privilege_type FROM pg_class, aclexplode(relacl) AS acl "
            "WHERE acl.grantee = %s::regrole "
            "UNION ALL SELECT relname, attname, acl.privilege_type "
            "FROM pg_class JOIN pg_attribute ON attrelid = pg_class.oid, aclexplode(attacl) AS acl "
            "WHERE acl.grantee = %s::regrole ORDER BY 1, 2, 3",
            [role, role],
        )
        return cursor.fetchall()


def test_db_roles_is_idempotent_and_takes_back_what_it_did_not_grant(app_role, world, dossier):
    register(world, dossier)  # a head to try moving back
    granted = _privileges(app_role.name)
    table = Replication._meta.db_table
    assert [p for p in granted if p[0] == table] == [(table, None, p) for p in ("DELETE", "INSERT", "SELECT", "UPDATE")]
    assert [p for p in granted if p[0].startswith("recognition_audit")] == [
        ("recognition_auditchainhead", "head_hash", "UPDATE"),
        ("recognition_auditchainhead", "sequence", "UPDATE"),
        ("recognition_auditchainhead", "updated_at", "UPDATE"),
        ("recognition_auditchainhead", None, "INSERT"),
        ("recognition_auditchainhead", None, "SELECT"),
        ("recognition_auditchainhead_id_seq", None, "USAGE"),
        ("recognition_auditcheckpoint", None, "INSERT"),
        ("recognition_auditcheckpoint", None, "SELECT"),
        ("recognition_auditcheckpoint_id_seq", None, "USAGE"),
        ("recognition_auditdigest", None, "INSERT"),
        ("recognition_auditdigest", None, "SELECT"),
        ("recognition_auditdigest_id_seq", None, "USAGE"),
        ("recognition_auditevent", None, "INSERT"),
        ("recognition_auditevent", None, "SELECT"),
        ("recognition_auditevent_id_seq", None, "USAGE"),
        ("recognition_auditleaf", None, "INSERT"),
        ("recognition_auditleaf", None, "SELECT"),
    ]
    assert [p for p in granted if p[0] == "django_migrations"] == [("django_migrations", None, "SELECT")]
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT UPDATE, TRUNCATE ON recognition_auditevent TO "{app_role.name}"')

    with pytest.raises(CommandError, match="recognition_auditevent UPDATE") as failure:
        db_roles(app_role=app_role.name, password_env="KHEO_TEST_APP_PASSWORD", check=True)
    assert failure.value.returncode == 1
    second = db_roles(app_role=app_role.name, password_env="KHEO_TEST_APP_PASSWORD")
    third = db_roles(app_role=app_role.name, password_env="KHEO_TEST_APP_PASSWORD")

    assert "Đã tạo vai trò" not in second
    assert second == third
    assert _privileges(app_role.name) == granted
    checked = db_roles(app_role=app_role.name, password_env="KHEO_TEST_APP_PASSWORD", check=True)
    assert "SAI" not in checked
    assert "  [đúng] recognition_auditchainhead: sequence - 1 bị từ chối\n" in checked
    assert "  [đúng] recognition_auditevent: UPDATE bị từ chối\n" in checked
    assert checked.splitlines()[-1] == f"Vai trò {app_role.name} đúng giới hạn: 37 phép thử trên các bảng nhật ký."


def test_a_table_added_to_the_append_only_list_loses_update_and_delete(app_role, monkeypatch):
    table = Replication._meta.db_table
    monkeypatch.setattr(database_roles, "APPEND_ONLY_MODELS", (*database_roles.APPEND_ONLY_MODELS, Replication))

    out = db_roles(app_role=app_role.name, password_env="KHEO_TEST_APP_PASSWORD")

    assert (
        "Bảng nhật ký chỉ được thêm và đọc: recognition_auditcheckpoint, recognition_auditdigest, "
        f"recognition_auditevent, recognition_auditleaf, {table}."
    ) in out
    with closing(app_role.connect()) as conn, conn.cursor() as cursor:
        assert "permission denied" in refused(cursor, f"UPDATE {table} SET status = status")
        assert "permission denied" in refused(cursor, f"DELETE FROM {table}")
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone() == (0,)


def test_the_owner_cannot_be_the_app_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()

    with pytest.raises(CommandError, match=f"Vai trò ứng dụng {owner} trùng với chủ sở hữu các bảng"):
        db_roles(app_role=owner)


def test_a_role_name_that_is_not_a_plain_identifier_is_refused():
    with pytest.raises(CommandError, match="Tên vai trò không hợp lệ"):
        db_roles(app_role='kheo"; DROP TABLE recognition_auditevent; --')
    assert AuditEvent.objects.count() == 0


def test_print_url_names_the_default_app_role_with_its_password(monkeypatch):
    password = "p@ss:/wörd?"
    monkeypatch.setenv("KHEO_TEST_APP_PASSWORD", password)
    role = f"{connection.settings_dict['NAME']}_app"
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("db_roles", password_env="KHEO_TEST_APP_PASSWORD", print_url=True, stdout=out, stderr=err)
        url = out.getvalue().strip()
        parsed = environ.Env.db_url_config(url)

        assert out.getvalue().count("\n") == 1
        assert f"Đã tạo vai trò {role}." in err.getvalue()
        assert (parsed["USER"], parsed["PASSWORD"], parsed["NAME"]) == (
            role,
            password,
            connection.settings_dict["NAME"],
        )
        with closing(psycopg.connect(url)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (role,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def test_password_env_that_is_not_set_is_refused(monkeypatch):
    monkeypatch.delenv("KHEO_TEST_MISSING_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="Biến môi trường KHEO_TEST_MISSING_PASSWORD chưa được đặt hoặc rỗng."):
        db_roles(app_role="kheo_test_never_created", password_env="KHEO_TEST_MISSING_PASSWORD")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'kheo_test_never_created'")
        assert cursor.fetchone() == (0,)


def test_an_app_role_that_holds_the_owners_privileges_is_refused(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(f'GRANT "{owner}" TO "{app_role.name}"')

    with pytest.raises(CommandError, match=f"Vai trò {app_role.name} có quyền của chủ sở hữu {owner}"):
        db_roles(app_role=app_role.name)
