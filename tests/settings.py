"""The suite's settings: chaat.settings read with these environment defaults.

Tests use cheap Argon2id costs (still argon2id with a salt per hash) and a throwaway secret.
DATABASE_URL and REDIS_URL come from the caller: CI sets them to PostgreSQL and Redis.
"""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("ARGON2_TIME_COST", "1")
os.environ.setdefault("ARGON2_MEMORY_COST", "256")
os.environ.setdefault("ARGON2_PARALLELISM", "1")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "1")
os.environ.setdefault("STATIC_MANIFEST", "0")
# No connection pool in the suite: the consumer tests run database work in threads of short-lived
# event loops, and a thread that ends with its loop never hands its pooled connection back, so the
# pool ran dry after a few hundred tests. The benchmark's servers run with the pool (bench/stack.py).
os.environ.setdefault("DATABASE_POOL", "0")
# A throwaway Web Push key (base64url of a raw P-256 key), so push is on as in production.
os.environ.setdefault("VAPID_PRIVATE_KEY", "AfiUJ8CLY7dr4ngC0GPUf5RTY4mBoIKrNfSfcMJ-n5Y")

if os.environ.get("CHAAT_REQUIRE_SERVICES") == "1" and not (
    os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
):
    raise RuntimeError("CHAAT_REQUIRE_SERVICES=1 needs DATABASE_URL (PostgreSQL) and REDIS_URL set.")

from chaat.settings import *  # noqa: F403

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
