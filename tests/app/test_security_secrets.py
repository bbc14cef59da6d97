"""No secret in the repository (issue 13 item 9): a scan of every tracked file, outside the
test fixtures, for private keys and API-key-shaped strings.

detect-secrets is not reachable from our machines; this is the same idea with the patterns
that matter to us (Stripe, SePay/Casso-style keys, cloud and Git hosting tokens, PEM keys) and
an entropy check on assignments to names that hold secrets.
"""

from __future__ import annotations

import math
import re
import subprocess
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Test fixtures hold made-up keys on purpose (a fake Stripe, a signed webhook sample).
EXCLUDED = ("tests/", "bench/")
BINARY = (".png", ".jpg", ".jpeg", ".webp", ".ico", ".ttf", ".otf", ".woff", ".woff2", ".pdf",
          ".mo", ".xlsx", ".gz", ".zip")  # fmt: skip

PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"),
    "Stripe live key": re.compile(r"\b(?:sk|rk|pk)_live_[0-9A-Za-z]{16,}"),
    "Stripe test key": re.compile(r"\b(?:sk|rk)_test_[0-9A-Za-z]{24,}"),
    "Stripe webhook secret": re.compile(r"\bwhsec_[0-9A-Za-z]{24,}"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{30,}"),
    "Slack token": re.compile(r"\bxox[abposr]-[0-9A-Za-z-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "URL with a password": re.compile(r"\b[a-z+]+://[^/\s:@'\"]+:[^/\s:@'\"]{6,}@[\w.-]+"),
}
ASSIGNMENT = re.compile(
    r"""(?i)\b[\w]*(?:secret|password|passwd|api_key|apikey|token|private_key)[\w]*\s*[:=]\s*["']([^"'\s]{20,})["']"""
)
HARMLESS = ("example", "test", "demo", "not-for-production", "changeme", "placeholder", "xxxx")


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [
        ROOT / name
        for name in listed.split("\0")
        if name and not name.startswith(EXCLUDED) and not name.lower().endswith(BINARY)
    ]


def find_secrets(text: str) -> list[str]:
    """What in `text` looks like a secret (pattern name or the assigned value's start)."""
    found = [
        name
        for name, pattern in PATTERNS.items()
        for match in pattern.finditer(text)
        if not any(word in match.group(0).lower() for word in HARMLESS)
    ]
    for match in ASSIGNMENT.finditer(text):
        value = match.group(1)
        if any(word in value.lower() for word in HARMLESS):
            continue
        if _entropy(value) > 3.5:
            found.append(f"high-entropy value {value[:6]}…")
    return found


def test_the_scanner_finds_what_it_should():
    fake_pem = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE..."
    assert find_secrets(fake_pem) == ["private key"]
    assert find_secrets("STRIPE_SECRET_KEY = 'sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2'")
    assert find_secrets('SEPAY_API_KEY = "' + "Q7v9Zp2Lx8Rk4Tm6Wn1Yb3Hc5Jd0Fg" + '"')
    assert find_secrets("DATABASE_URL=postgresql://quy:" + "S3cr3t-P4ss@db.internal/quy")
    assert find_secrets('SECRET_KEY = "test-secret-key-not-for-production"') == []
    assert find_secrets("DATABASE_URL=postgresql://quy:changeme@db.internal/quy") == []
    assert find_secrets("password = form.password.data") == []


def test_no_secret_in_the_tracked_files():
    offenders = {}
    files = _tracked_files()
    assert len(files) > 100  # the scan reads the tree, not nothing
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        found = find_secrets(text)
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
