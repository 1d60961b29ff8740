#!/usr/bin/env bash
# `make run`: Redis, migrations, demo data, then the web server, a Celery worker, Celery
# beat and the outbox relay (it publishes the delivery messages of new notifications).
# Ctrl-C, TERM or HUP stops everything this script started (and nothing else), whether its
# output goes to a terminal, a pipe or a file. The console gets one line per
# event; each process writes its own log under var/log/, and e-mails are files in var/mail/.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
export PYTHONUNBUFFERED=1
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
# Links in e-mails and notifications point at the address this run serves.
export KHEO_SITE_URL="${KHEO_SITE_URL:-http://$HOST:$PORT}"
# Demo e-mails (hundreds, from seeding the demo history) are files, never console output.
export EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}"
export EMAIL_FILE_PATH="${EMAIL_FILE_PATH:-$VAR_DIR/mail}"
started_at="${KHEO_STARTED_AT:-$(date +%s)}"

REQUESTED_STOP_IS_SUCCESS=1
stop_started_on_exit

port_taken() {
    "$VENV_BIN/python" - "$HOST" "$PORT" <<'PY'
import socket
import sys

with socket.socket() as s:
    s.settimeout(1)
    sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PY
}

if port_taken; then
    fail "Đã có chương trình khác nghe ở $HOST:$PORT. Hãy dừng nó, hoặc chạy: PORT=8001 make run"
fi

mkdir -p "$VAR_DIR" "$EMAIL_FILE_PATH"
redis_ensure

run_step migrate "áp dụng migration" "$VENV_BIN/python" manage.py migrate --noinput
# --- Database roles (issue 8): on PostgreSQL, from here on DATABASE_URL is the app role, ---
# --- which cannot rewrite the audit trail (config/scripts/db_roles.sh).                  ---
source "$ROOT/config/scripts/db_roles.sh"
db_roles_ensure
# --- end of database roles ---------------------------------------------------------------
run_step seed-demo "nạp dữ liệu mẫu (không tạo trùng; lần đầu khoảng một phút)" \
    "$VENV_BIN/python" manage.py seed_demo
# The development key that signs the audit checkpoints (var/audit/signing-key.pem), made once.
run_step audit-keygen "khóa ký mốc kiểm tra nhật ký" "$VENV_BIN/python" manage.py audit_keygen --if-missing

start_process web "$VENV_BIN/python" manage.py runserver "$HOST:$PORT"
start_process celery-worker "$VENV_BIN/celery" -A config worker --loglevel=INFO --concurrency=2 \
    --hostname "kheo-worker@%h"
start_process celery-beat "$VENV_BIN/celery" -A config beat --loglevel=INFO \
    --schedule "$VAR_DIR/celerybeat-schedule" --pidfile "$VAR_DIR/celerybeat.pid"

ready_deadline=$(($(date +%s) + 120))
until "$VENV_BIN/python" - "http://$HOST:$PORT/accounts/login/" <<'PY' >/dev/null 2>&1
import sys
import urllib.request

urllib.request.urlopen(sys.argv[1], timeout=2)
PY
do
    for i in "${!STARTED_PIDS[@]}"; do
        if ! kill -0 "${STARTED_PIDS[$i]}" 2>/dev/null; then
            tail -n 20 "$LOG_DIR/${STARTED_NAMES[$i]}.log" >&2 2>/dev/null || true
            fail "${STARTED_NAMES[$i]} dừng khi đang khởi động; xem ${LOG_DIR#"$ROOT"/}/${STARTED_NAMES[$i]}.log"
        fi
    done
    [ "$(date +%s)" -lt "$ready_deadline" ] || fail "máy chủ web không trả lời sau 120 giây; xem ${LOG_DIR#"$ROOT"/}/web.log"
    sleep 0.1
done

# The outbox relay is not needed to serve: it starts once the web answers, so that a small
# machine does not start four Django processes at once. Rows written meanwhile wait for it.
start_process relay "$VENV_BIN/python" manage.py outbox_relay

demo_totp_key="$("$VENV_BIN/python" -c 'from accounts.demo_key import DEMO_TOTP_SECRET; print(DEMO_TOTP_SECRET)')"
cat <<EOF 2>/dev/null || true

  Khéo đã sẵn sàng sau $(($(date +%s) - started_at)) giây:  $KHEO_SITE_URL/
  Tài khoản dùng thử:  donvi, thuongtruc, khaosat, hoidong1, hoidong2, hoidong3,
                       truongban, quantri, kiemtra  (mật khẩu: kheo-demo-2026)
  Xác thực hai bước:   quantri, kiemtra: khóa TOTP $demo_totp_key trong ứng dụng xác thực,
                       hoặc mã hiện tại: .venv/bin/python manage.py demo_otp_code quantri
  Nhật ký tiến trình:  ${LOG_DIR#"$ROOT"/}/  (web.log, celery-worker.log, celery-beat.log, relay.log)
  Thư điện tử gửi đi:  ${EMAIL_FILE_PATH#"$ROOT"/}/  (mỗi lần gửi một tệp; không gửi ra ngoài)
  Dừng tất cả:         Ctrl-C

EOF

# Stop all when any one of them exits on its own.
status=0
wait -n "${STARTED_PIDS[@]}" || status=$?
for i in "${!STARTED_PIDS[@]}"; do
    if ! kill -0 "${STARTED_PIDS[$i]}" 2>/dev/null; then
        fail "${STARTED_NAMES[$i]} đã dừng (mã $status); xem ${LOG_DIR#"$ROOT"/}/${STARTED_NAMES[$i]}.log. Dừng các tiến trình còn lại."
    fi
done
fail "một tiến trình đã dừng (mã $status); dừng các tiến trình còn lại."
