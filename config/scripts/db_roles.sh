# Database roles (sourced after common.sh, by run.sh and .ci/run; not run on its own).
#
# On PostgreSQL the web server, the Celery worker and beat connect as an *app role* that
# can add to the audit trail and read it but cannot rewrite it; migrations run as the
# *owner* of the tables (recognition/database_roles, README "Vai trò cơ sở dữ liệu").
#
# db_roles_ensure, called after `migrate`:
#   - DATABASE_MIGRATION_URL set: it is the owner and DATABASE_URL the app role, as in
#     production; the app role is granted its privileges.
#   - only DATABASE_URL set (a developer's machine): that role owns the tables; the app
#     role <database>_app is created with a password kept in var/db-app-password, and
#     DATABASE_URL is pointed at it (DATABASE_MIGRATION_URL keeps the owner).
# Either way the app role's limits are then checked (`manage.py db_roles --check`).
# SQLite: nothing to do.

db_roles_ensure() {
    case "${DATABASE_URL:-}" in
        postgres://* | postgresql://* | pgsql://* | psql://* | postgis://*) ;;
        *) return 0 ;;
    esac
    mkdir -p "$VAR_DIR"
    if [ -n "${DATABASE_MIGRATION_URL:-}" ]; then
        "$VENV_BIN/python" manage.py db_roles || fail "could not grant the app role its privileges (see above)."
    else
        local password_file="$VAR_DIR/db-app-password" app_url
        if [ ! -s "$password_file" ]; then
            (umask 077 && "$VENV_BIN/python" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$password_file")
        fi
        export DATABASE_MIGRATION_URL="$DATABASE_URL"
        export KHEO_DB_APP_PASSWORD
        KHEO_DB_APP_PASSWORD="$(cat "$password_file")"
        app_url="$("$VENV_BIN/python" manage.py db_roles --password-env KHEO_DB_APP_PASSWORD --print-url)" \
            || fail "could not create the app role (see above)."
        export DATABASE_URL="$app_url"
    fi
    "$VENV_BIN/python" manage.py db_roles --check >/dev/null \
        || fail "the app role can rewrite the audit trail: see manage.py db_roles --check"
    say "database roles: web, worker and beat connect as the app role (audit trail: add and read only)"
}
