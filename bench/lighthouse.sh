#!/usr/bin/env bash
# Lighthouse (mobile) over the public pages of the demo site: serves a fresh SQLite demo with
# gunicorn on a free port, audits each page with Lighthouse 12 and Debian's Chromium, and prints
# a Markdown table of the four scores (the JSON reports stay in $OUT for the details).
#
#   bench/lighthouse.sh            # OUT=/tmp/lighthouse by default
#   RUNS=3 bench/lighthouse.sh     # each page audited 3 times, the median score kept
#
# Needs node/npx (npx fetches lighthouse@12 from the npm registry once) and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-/tmp/lighthouse}
RUNS=${RUNS:-1}
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export CHROME_PATH
WORK=$(mktemp -d)
mkdir -p "$OUT"
PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"

# Everything of this run (database, job queue, private files) lives in $WORK.
export FLASK_APP=wsgi.py INSTANCE_PATH="$WORK/instance" DATABASE_URL="sqlite:///$WORK/demo.db"
export SITE_URL="$BASE"

server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "Demo database in $WORK …" >&2
.venv/bin/flask db upgrade >/dev/null 2>&1
.venv/bin/flask demo seed-if-empty >/dev/null
.venv/bin/gunicorn --bind "127.0.0.1:$PORT" --workers 2 --log-level warning wsgi:app &
server=$!
for _ in $(seq 50); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

# The pages: the featured campaign, one of its gifts (for /truy-vet), the month pages if any.
mapfile -t PAGES < <(.venv/bin/python - <<'EOF'
from sqlalchemy import text

from app import create_app
from app.extensions import db

app = create_app()
with app.app_context():
    one = lambda sql: db.session.execute(text(sql)).scalar()  # noqa: E731
    slug = one(
        "SELECT slug FROM campaigns WHERE status = 'published' AND featured "
        "ORDER BY id LIMIT 1"
    ) or one("SELECT slug FROM campaigns WHERE status = 'published' ORDER BY id LIMIT 1")
    ref = one(
        "SELECT ref FROM ledger_entries WHERE kind = 'donation' AND destination = "
        f"'campaign:{slug}' AND ref <> '' ORDER BY seq LIMIT 1"
    )
    seq = one("SELECT max(seq) FROM ledger_entries")
    pages = [
        ("home", "/"),
        ("campaign list", "/chien-dich/"),
        ("campaign page", f"/chien-dich/{slug}"),
        ("donate form", f"/ung-ho/{slug}"),
        ("statement /sao-ke", "/sao-ke"),
        ("verification /xac-minh", "/xac-minh"),
        ("entry check /xac-minh/<seq>", f"/xac-minh/{seq}"),
        ("trace /truy-vet/<ref>", f"/truy-vet/{ref}"),
        ("transparency tab /minh-bach", f"/chien-dich/{slug}/minh-bach"),
    ]
    if "reconciliation.public_index" in app.view_functions:
        pages.append(("reconciliation /doi-soat", "/doi-soat"))
    for name, path in pages:
        print(f"{name}\t{path}")
EOF
)

audit() {  # name path run → $OUT/<slug>-<run>.json
  local file="$OUT/$(echo "$1" | tr -c 'a-z0-9\n' '-' | tr -s '-')-$3.json"
  npx --yes lighthouse@12 "$BASE$2" --quiet --form-factor=mobile \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox" \
    --output=json --output-path="$file" >/dev/null 2>"$file.log" || echo "lighthouse failed: $2" >&2
  echo "$file"
}

results=()
for line in "${PAGES[@]}"; do
  name=${line%%$'\t'*}
  path=${line#*$'\t'}
  for run in $(seq "$RUNS"); do
    echo "Auditing $path ($run/$RUNS) …" >&2
    results+=("$name"$'\t'"$path"$'\t'"$(audit "$name" "$path" "$run")")
  done
done

echo
echo "Lighthouse $(npx --yes lighthouse@12 --version), mobile, $(date -u '+%Y-%m-%d %H:%M UTC'), load average$(uptime | sed 's/.*load average//')"
echo
printf '%s\n' "${results[@]}" | .venv/bin/python bench/lighthouse_table.py
