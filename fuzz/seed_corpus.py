#!/usr/bin/env python3
"""Writes the seed corpus of every decode target into fuzz/corpus/<target>/ (git-ignored).

Each seed is an answer in the harness's input layout (see src/lib.rs): two status bytes,
a header count, the headers, then the body. Bodies are the providers' documented samples
(/work/shared/providers/*.md, and the shapes the specs decode), plus error bodies.
Run from anywhere: python3 fuzz/seed_corpus.py
"""
import json
import os

HEADER_NAMES = [
    "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after",
    "page-total", "page-size", "page-current", "item-total", "content-type",
    "x-should-retry", "content-length", "location",
]


def seed(status, body, headers=()):
    v = status - 100
    out = bytearray([v >> 8, v & 0xFF, len(headers)])
    for name, value in headers:
        value = value.encode()
        assert len(value) < 64
        out += bytes([HEADER_NAMES.index(name), len(value)]) + value
    if not isinstance(body, (bytes, bytearray)):
        body = json.dumps(body).encode()
    return bytes(out) + body


JWT = ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9."
       "eyJpc3MiOiJodHRwOi8vYXBpLmNvb3BmaW5uZXR3b3JrLmNvbSIsImV4cCI6MTcwMDA4NjQwMH0.sig")
RATE = [("x-ratelimit-limit", "100"), ("x-ratelimit-remaining", "99"),
        ("x-ratelimit-reset", "1700003600")]
PAGE = [("page-total", "3"), ("page-size", "20"), ("page-current", "1"), ("item-total", "41")]
API_KEY = {"id": "0b7f8c1e-5d1a-4c47-9e39-2f1a3c0d9e01", "handle": "ci-key", "alias": None,
           "token": "lk_test_token", "createdAt": "2024-03-01T12:00:00.000000Z"}
HIYA = {"error": {"id": "err-401-abc", "code": 401, "errors": [{"message": "Invalid credentials"}]}}
WORKSPACE = {"workspace_id": 11, "workspace_name": "Acme BV", "id": 11, "name": "Acme BV",
             "type": "active", "country": "NL", "member_count": 7, "is_mfa_enabled": True,
             "created_at": "2024-01-15T10:00:00Z", "updated_at": "2024-06-01T08:30:00.123456Z"}

SEEDS = {
    "decode_coopfin": [
        seed(200, {"token_type": "Bearer", "token": JWT, "expires_in": 86400}),
        seed(200, {"token_type": "Bearer", "token": JWT, "expires_in": "86400"}),
        seed(200, {"token_type": "Bearer", "token": JWT}),
        seed(400, {"error": "Invalid request"}),
        seed(401, b""),
        seed(502, b"<html><body>Bad Gateway</body></html>"),
    ],
    "decode_coinflow": [
        seed(200, {"message": "Sign this to prove ownership: 123", "transaction": "AQID"}),
        seed(200, {"key": JWT}),
        seed(200, {}),
        seed(401, {"name": "UnauthorizedError", "message": "Invalid merchant key"}),
        seed(400, {"name": "BadRequestError", "message": "bad", "stack": "at x"}),
        seed(500, b"Internal Server Error"),
    ],
    "decode_coolset": [
        seed(200, {"user": {"email": "dev@example.invalid"}, "features": ["esg"]}, RATE),
        seed(200, {"count": 1, "next": None, "previous": None, "results": [WORKSPACE]}, RATE),
        seed(401, {"detail": "Authentication credentials were not provided."}),
        seed(422, {"name": ["This field is required."]}),
        seed(429, {"detail": "Request was throttled. Expected available in 3600 seconds."},
             RATE + [("retry-after", "3600")]),
        seed(400, {"detail": "Invalid", "error_code": "invalid", "field_errors": {"name": ["x"]}}),
    ],
    "decode_akool": [
        seed(200, {"code": 1000, "token": JWT}),
        seed(200, {"code": 1000, "msg": "OK", "data": {"credit": 1234.5}}),
        seed(200, {"code": 1101, "msg": "Invalid authorization or The request token has expired"}),
        seed(200, {"code": 1102, "msg": "Authorization cannot be empty"}),
        seed(200, {"code": 1200, "msg": "The account has been banned"}),
        seed(401, {"code": 1101}),
    ],
    "decode_loccus": [
        seed(200, {"token": JWT, "issuedAt": "2024-01-01T00:00:00.000000Z",
                   "expiresAt": "2024-01-01T01:00:00.000000Z"}),
        seed(200, {"id": "3f0e5c8a-1111-4b2b-9c3d-000000000001", "handle": "jane-doe",
                   "alias": None, "email": "jane@example.invalid", "emailVerified": True,
                   "state": "verified", "orgs": 2, "spaces": 5,
                   "createdAt": "2023-01-01T00:00:00.000000Z"}),
        seed(201, API_KEY),
        seed(200, API_KEY),
        seed(200, [API_KEY], PAGE),
        seed(204, b""),
        seed(401, HIYA),
        seed(409, {"message": "Handle already taken"}),
    ],
}

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
for target, seeds in SEEDS.items():
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    for i, s in enumerate(seeds):
        with open(os.path.join(d, f"seed-{i:02}"), "wb") as f:
            f.write(s)
    print(f"{target}: {len(seeds)} seeds in {d}")
