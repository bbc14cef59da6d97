#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and the uploaded files (UPLOAD_FOLDER and
# PRIVATE_FOLDER: campaign images, consent scans, student photos, evidence, invoices), then
# check that the new dump restores and that its ledger verifies (deploy/restore-check.sh).
#
#   DATABASE_URL=postgresql://… BACKUP_DIR=/var/backups/thapsang deploy/backup.sh
#
# Keeps BACKUP_KEEP_DAYS (14) days. Copy BACKUP_DIR off the machine (another site, object
# storage): a backup on the database's own disk is no backup. The private files hold
# children's data: keep the copies encrypted and as restricted as the server (DESIGN §6).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
dir=${BACKUP_DIR:-/var/backups/thapsang}
keep=${BACKUP_KEEP_DAYS:-14}
uploads=${UPLOAD_FOLDER:-$root/instance/uploads}
private=${PRIVATE_FOLDER:-$root/instance/private}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
mkdir -p "$dir"

dump="$dir/thapsang-$stamp.dump"
files="$dir/thapsang-files-$stamp.tar.gz"
# A consistent snapshot of the whole database, without blocking the site.
pg_dump --format=custom --no-owner --no-privileges --file="$dump.partial" \
  "${DATABASE_URL/postgresql+psycopg:/postgresql:}"
mv "$dump.partial" "$dump"
# Files after the dump: a file newer than the dump is harmless, a row without its file is not.
tar_args=()
for folder in "$uploads" "$private"; do
  [ -d "$folder" ] && tar_args+=(-C "$(dirname "$folder")" "$(basename "$folder")")
done
if [ ${#tar_args[@]} -gt 0 ]; then
  tar -czf "$files.partial" "${tar_args[@]}"
else
  tar -czf "$files.partial" --files-from /dev/null
fi
mv "$files.partial" "$files"
sha256sum "$dump" "$files" >"$dir/thapsang-$stamp.sha256"
echo "backup: $dump ($(du -h "$dump" | cut -f1)), $files ($(du -h "$files" | cut -f1))"

if [ "${BACKUP_SKIP_CHECK:-0}" != 1 ]; then
  # The server of DATABASE_URL, for the throw-away database of the check.
  hostpart=${DATABASE_URL#*://}
  hostpart=${hostpart%%/*}
  userpart=${hostpart%@*}
  [ "$userpart" = "$hostpart" ] && userpart=""
  server=${hostpart#*@}
  PGUSER=${PGUSER:-${userpart%%:*}} PGHOST=${PGHOST:-${server%%:*}} \
    PGPORT=${PGPORT:-$([ "${server#*:}" != "$server" ] && echo "${server#*:}" || echo 5432)} \
    "$root/deploy/restore-check.sh" "$dump" "$files"
fi
find "$dir" -name 'thapsang-*' -type f -mtime +"$keep" -delete
