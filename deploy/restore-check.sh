#!/usr/bin/env bash
# Restore a backup into a fresh, throw-away PostgreSQL database and check it: the dump must
# restore without error, the schema must be at the code's migration head, and
# `flask ledger verify` must find the hash chain intact. Run it after every backup (the
# backup timer does) and before trusting a dump for a real restore (docs/deploy.md).
#
#   deploy/restore-check.sh BACKUP.dump [UPLOADS.tar.gz]
#
# BACKUP.dump: `pg_dump -Fc` (custom format) or a plain SQL dump. UPLOADS.tar.gz, if given, must
# list without error. The server is the one libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD name
# (default 127.0.0.1:5432, user postgres); the database made is RESTORE_DB (default
# thapsang_restore_<time>_<pid>) and is dropped at the end unless KEEP=1.
# Exit status: 0 intact, 1 the ledger chain is broken, 2 the backup could not be restored.
set -uo pipefail

dump=${1:-}
uploads=${2:-}
if [ -z "$dump" ] || [ ! -r "$dump" ]; then
  echo "usage: $0 BACKUP.dump [UPLOADS.tar.gz]  (cannot read '${dump}')" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
flask=${FLASK:-$root/.venv/bin/flask}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
db=${RESTORE_DB:-thapsang_restore_$(date +%Y%m%d%H%M%S)_$$}

if [ -n "$uploads" ] && ! tar -tzf "$uploads" >/dev/null; then
  echo "restore-check: the uploads archive $uploads cannot be read" >&2
  exit 2
fi
if ! createdb "$db"; then
  echo "restore-check: could not create database $db on $PGHOST:$PGPORT" >&2
  exit 2
fi
cleanup() { [ "${KEEP:-0}" = 1 ] || dropdb --if-exists "$db"; }
trap cleanup EXIT

echo "restore-check: restoring $dump into $db"
if pg_restore --list "$dump" >/dev/null 2>&1; then
  pg_restore --no-owner --no-privileges --exit-on-error --dbname "$db" "$dump"
else
  psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 --dbname "$db" --file "$dump" >/dev/null
fi || { echo "restore-check: the dump did not restore" >&2; exit 2; }

# The schema must be at the code's migration head (else: flask db upgrade after restoring).
heads=$(python3 - "$root/migrations/versions" <<'PY'
import pathlib, re, sys
revisions, parents = set(), set()
for path in pathlib.Path(sys.argv[1]).glob("*.py"):
    text = path.read_text(encoding="utf-8")
    found = re.search(r"^revision\s*=\s*['\"]([^'\"]+)", text, re.M)
    if found:
        revisions.add(found.group(1))
    down = re.search(r"^down_revision\s*=\s*(.+)$", text, re.M)
    if down:
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
print(" ".join(sorted(revisions - parents)))
PY
)
current=$(psql --no-psqlrc -At --dbname "$db" -c "SELECT version_num FROM alembic_version" 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//')
if [ "$current" != "$heads" ]; then
  echo "restore-check: schema at '${current:-none}', the code expects '${heads}':" \
    "run flask db upgrade after restoring" >&2
fi

url="postgresql://${PGUSER}${PGPASSWORD:+:$PGPASSWORD}@${PGHOST}:${PGPORT}/${db}"
jobs="${TMPDIR:-/tmp}/restore-check-$$.jobs.db"
run() {
  # Production settings, a key of its own, and neither the Redis nor the queue of the site.
  # Production refuses to start without a bank account; the check sends no QR, so the site's
  # own values are used when set and a placeholder otherwise.
  env -u REDIS_URL APP_ENV=production FLASK_APP=wsgi.py DATABASE_URL="$url" \
    BANK_BIN="${BANK_BIN:-970436}" BANK_ACCOUNT_NUMBER="${BANK_ACCOUNT_NUMBER:-0000000000}" \
    BANK_ACCOUNT_NAME="${BANK_ACCOUNT_NAME:-RESTORE CHECK}" \
    SECRET_KEY="restore-check-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    JOBS_URL="sqlite:///$jobs" "$flask" "$@"
}
cd "$root" || exit 2
run ledger verify
status=$?
rm -f "$jobs"
if [ $status -ne 0 ]; then
  echo "restore-check: LEDGER BROKEN in $dump" >&2
  exit 1
fi
echo "restore-check: OK ($dump restores and its ledger verifies)"
