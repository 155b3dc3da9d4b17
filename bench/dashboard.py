"""Dashboard list speed at 100,000 requests (``make bench`` section ``dashboard``).

Builds a SQLite database of 100,000 requests (bulk inserted: realistic
statuses, organisations, reasons, channels and dates over a year), signs a
caseworker in through the real login, and times the list view server-side
with Flask's test client: the first page, a deep keyset page, every filter,
and searches (references, codes, names, emails, a file name). Each case is
requested ``REPEAT`` times; the headline figure ``dashboard_list_p95_ms_100k``
is the 95th percentile over every list request. The CSV download of two
filtered lists, the statistics page, and one download of every request
(with Python's peak allocation while it streams) are timed apart.

``python -m bench.dashboard [--requests N]`` prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import insert, select

from intake.accounts.services import create_user
from intake.config import Settings
from intake.service import Intake
from intake.submissions.models import SEARCHED_FIELDS, Request, Submission, search_text

REQUESTS = 100_000
REPEAT = 30
BATCH = 5_000
PASSWORD = "bench password 1"
NEWLINE = b"\n"

STATUSES = (("applied", 52), ("rejected", 28), ("review", 16), ("received", 2), ("processing", 2))
CHANNELS = (("web", 40), ("email", 35), ("api", 20), ("folder", 4), ("cli", 1))
REJECT_CODES = (
    "AUTHORISER_INACTIVE",
    "FORM_TOO_OLD",
    "FIELD_MISSING",
    "SIGNATURE_MISSING",
    "ORG_CLOSED",
    "ROLE_NOT_UA",
    "AUTHORISER_CAPACITY_MISMATCH",
    "NOT_A_PDF",
)
REVIEW_CODES = (
    "USER_ADMIN_EXISTS",
    "NOMINEE_NOT_AT_ORG",
    "LOW_CONFIDENCE",
    "AUTHORISER_NAME_MISMATCH",
    "DUPLICATE_REQUEST",
)
ROLES = ("GPP_UA", "PL_UA", "OPTO_UA", "MAIN_CONTACT")
FIRST = ("Sarah", "James", "Emma", "Oliver", "Amelia", "Harry", "Olivia", "George", "Isla")
LAST = ("Collins", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Wright")
PLACES = ("Riverside", "Hillview", "Moorside", "Parkway", "Oakwood", "Elmfield", "Northgate")


SCANS = ("scan-", "form-", "UA form ", "IMG_", "authorisation-")


def _email(name: str, i: int) -> str:
    return f"{name.lower().replace('dr ', '').replace(' ', '.')}{i % 97}@nhs.net"


def _weighted(rng: random.Random, table) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def _reason(code: str, field: str | None = None) -> dict:
    return {
        "code": code,
        "field": field,
        "message": f"A plain-English message for {code}.",
        "action": "What the requester must do about it.",
    }


def build(intake: Intake, count: int, seed: int = 1) -> None:
    """Bulk insert ``count`` requests, one submission each, oldest first."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    step = dt.timedelta(days=365) / count
    orgs = [f"{rng.choice('ABCDEFGHJKLMNPY')}{rng.randint(10000, 99999)}" for _ in range(8000)]
    with intake.db.engine.begin() as connection:
        for first in range(1, count + 1, BATCH):
            submissions, requests = [], []
            for i in range(first, min(first + BATCH, count + 1)):
                at = start + step * i
                status = _weighted(rng, STATUSES)
                org = rng.choice(orgs)
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                email = _email(name, i)
                if status == "rejected":
                    reasons = [_reason(rng.choice(REJECT_CODES), "org_code")]
                elif status == "review":
                    reasons = [_reason(c) for c in rng.sample(REVIEW_CODES, rng.randint(1, 2))]
                else:
                    reasons = []
                pending = status in ("received", "processing")
                channel = _weighted(rng, CHANNELS)
                submissions.append(
                    {
                        "id": i,
                        "sha256": f"{i:064x}",
                        "stored_name": f"00/{i:032x}.bin",
                        "original_filename": f"{rng.choice(SCANS)}{i}.pdf",
                        "sender": _email(name, i) if channel == "email" else None,
                        "size_bytes": rng.randint(20_000, 900_000),
                        "channel": channel,
                        "received_at": at,
                        "received_on": at.date(),
                        "state": "received" if pending else "done",
                        "sent_at": at,
                        "attempts": 0 if pending else 1,
                        "page_count": None if pending else 1,
                    }
                )
                fields = None
                if not pending:
                    requester = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                    authoriser = f"Dr {rng.choice(FIRST)} {rng.choice(LAST)}"
                    fields = {
                        "org_name": f"{rng.choice(PLACES)} Surgery",
                        "org_code": org,
                        "role": rng.choice(ROLES),
                        "nominee_name": name,
                        "nominee_email": email,
                        "requester_name": requester,
                        "requester_email": _email(requester, i),
                        "authoriser_name": authoriser,
                        "authoriser_email": _email(authoriser, i),
                        "authoriser_capacity": "Partner",
                    }
                reference = f"UA-{at.year}-{i:06d}"
                submission = submissions[-1]
                requests.append(
                    {
                        "id": i,
                        "reference": reference,
                        "submission_id": i,
                        "form_index": 0,
                        "status": status,
                        "fields": fields,
                        "confidence": {} if fields else None,
                        "reasons": reasons,
                        "org_code": None if pending else org,
                        "role_code": fields["role"] if fields else None,
                        "nominee_email": None if pending else email,
                        "search_text": search_text(
                            reference,
                            *((fields or {}).get(key) for key in SEARCHED_FIELDS),
                            submission["original_filename"],
                            submission["sender"],
                        ),
                        "created_at": at,
                        "decided_at": None if pending else at,
                        "decided_by": None if pending else "system",
                    }
                )
            connection.execute(insert(Submission), submissions)
            connection.execute(insert(Request), requests)


#: Indexes recommended for the list (not yet in the schema): ``--with-indexes``
#: adds them to the benchmark database to show their effect.
RECOMMENDED_INDEXES = (
    "CREATE INDEX ix_requests_status_id ON requests (status, id)",
    "CREATE INDEX ix_submissions_received_on ON submissions (received_on, id)",
)


def cases(intake: Intake) -> dict[str, str]:
    """The list URLs timed, by name."""
    with intake.db.session() as session:
        max_id = session.scalar(select(Request.id).order_by(Request.id.desc()).limit(1))
        sample = session.scalars(
            select(Request).where(Request.org_code.is_not(None)).order_by(Request.id).limit(1)
        ).one()
    return {
        "page 1": "/dashboard",
        "page 2 (keyset)": f"/dashboard?before={max_id - 50}",
        "deep page (keyset)": "/dashboard?before=1200",
        "newer from deep (keyset)": "/dashboard?after=1200",
        "status=review": "/dashboard?status=review",
        "status=received (rare)": "/dashboard?status=received",
        "status=review, deep": "/dashboard?status=review&before=2000",
        "reason=USER_ADMIN_EXISTS": "/dashboard?reason=USER_ADMIN_EXISTS",
        "reason=NOT_A_PDF": "/dashboard?reason=NOT_A_PDF",
        "reason=ICB_NOT_ORG_ICB (none)": "/dashboard?reason=ICB_NOT_ORG_ICB",
        "org code": f"/dashboard?org={sample.org_code}",
        "channel=folder": "/dashboard?channel=folder",
        "received in one month": "/dashboard?from=2026-03-01&to=2026-03-31",
        "received long ago": "/dashboard?from=2025-11-01&to=2025-11-07",
        "all filters": "/dashboard?status=rejected&reason=FORM_TOO_OLD&channel=web"
        "&from=2026-01-01&to=2026-06-30",
        "search reference": f"/dashboard?q={sample.reference}",
        "search org code": f"/dashboard?q={sample.org_code}",
        "search email": "/dashboard?q=emma.wilson1",
        "search name": "/dashboard?q=olivia%20wright",
        "search no match": "/dashboard?q=zzzz-nothing",
        "search authoriser name": "/dashboard?q=dr%20isla%20brown",
        "search authoriser email (rare)": "/dashboard?q=harry.jones42%40",
        "search file name (one)": "/dashboard?q=54321.pdf",
        "search organisation name": "/dashboard?q=moorside%20surgery",
        "search name, status and month": "/dashboard?q=george%20smith&status=rejected"
        "&from=2026-03-01&to=2026-03-31",
    }


#: Exports timed (the whole download, read to its end): a filtered list.
EXPORTS = {
    "export: rejected in one month": "/dashboard/export.csv?status=rejected"
    "&from=2026-03-01&to=2026-03-31",
    "export: a name search": "/dashboard/export.csv?q=olivia%20wright",
}


def _export_everything(client) -> tuple[float, int, float]:
    """Download every request as CSV, reading it chunk by chunk as a client
    would: seconds and rows (timed alone), then the peak of Python's own
    allocations in MB while it ran again under tracemalloc (which slows it
    down, so it is not timed); the peak stays that of one batch."""
    figures = []
    for traced in (False, True):
        if traced:
            tracemalloc.start()
        began = time.perf_counter()
        response = client.get("/dashboard/export.csv", buffered=False)
        lines = sum(chunk.count(NEWLINE) for chunk in response.response)
        figures.append(time.perf_counter() - began)
        response.close()
        if traced:
            figures.append(tracemalloc.get_traced_memory()[1] / 1e6)
            tracemalloc.stop()
    return figures[0], lines - 1, figures[2]


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def measure(
    count: int = REQUESTS, repeat: int = REPEAT, with_indexes: bool = False
) -> tuple[dict, list[tuple]]:
    """Build, sign in, time every case; returns the figures and table rows."""
    from web import create_app

    with tempfile.TemporaryDirectory(prefix="intake-bench-dashboard-") as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            database_url=f"sqlite:///{tmp}/bench.sqlite3",
            secret_key="bench",
        )
        intake = Intake.start(settings)
        began = time.perf_counter()
        build(intake, count)
        build_s = time.perf_counter() - began
        if with_indexes:
            with intake.db.engine.begin() as connection:
                for ddl in RECOMMENDED_INDEXES:
                    connection.exec_driver_sql(ddl)
        create_user(intake.db, "bench", PASSWORD)
        app = create_app({"INTAKE_SETTINGS": settings, "WTF_CSRF_ENABLED": False})
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": PASSWORD})
        assert client.get("/dashboard").status_code == 200, "sign-in failed"

        rows, everything = [], []
        list_cases = cases(intake)
        for name, url in {**list_cases, "exception queue": "/dashboard/queue"}.items():
            client.get(url)  # warm
            timings = []
            for _ in range(repeat):
                began = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - began)
                assert response.status_code == 200, (url, response.status_code)
            if name != "exception queue":
                everything += timings
            rows.append((name, _ms(timings, 0.5), _ms(timings, 0.95)))
        for name, url in {**EXPORTS, "statistics page": "/dashboard/statistics"}.items():
            client.get(url).get_data()  # warm
            timings = []
            for _ in range(max(3, repeat // 3)):
                began = time.perf_counter()
                response = client.get(url)
                body = response.get_data()
                timings.append(time.perf_counter() - began)
                assert response.status_code == 200, (url, response.status_code)
            label = f"{name} ({body.count(NEWLINE) - 1} rows)" if "export" in name else name
            rows.append((label, _ms(timings, 0.5), _ms(timings, 0.95)))
        export_all_s, export_rows, export_peak_mb = _export_everything(client)
        rows.append(
            (f"export: everything ({export_rows} rows)", export_all_s * 1000, export_all_s * 1000)
        )
        app.extensions["intake"].db.dispose()
        intake.db.dispose()

    by_name = {name: p95 for name, _, p95 in rows}
    exports = [p95 for n, _, p95 in rows if n.startswith("export: ") and "everything" not in n]
    figures = {
        "dashboard_list_p95_ms_100k": round(_ms(everything, 0.95), 1),
        "dashboard_list_worst_case_p95_ms_100k": round(
            max(p95 for n, _, p95 in rows if n in list_cases), 1
        ),
        "dashboard_page1_p95_ms_100k": round(by_name["page 1"], 1),
        "dashboard_deep_page_p95_ms_100k": round(by_name["deep page (keyset)"], 1),
        "dashboard_search_p95_ms_100k": round(
            max(p95 for n, _, p95 in rows if n.startswith("search")), 1
        ),
        "dashboard_queue_p95_ms_100k": round(by_name["exception queue"], 1),
        "dashboard_export_filtered_p95_ms_100k": round(max(exports), 1),
        "dashboard_export_all_s_100k": round(export_all_s, 2),
        "dashboard_export_all_peak_mb_100k": round(export_peak_mb, 1),
        "dashboard_statistics_p95_ms_100k": round(
            next(p95 for n, _, p95 in rows if n.startswith("statistics page")), 1
        ),
        "dashboard_build_100k_s": round(build_s, 1),
    }
    if count != REQUESTS:
        figures = {k.replace("_100k", f"_{count}"): v for k, v in figures.items()}
    return figures, rows


def run(results: dict) -> None:
    """Add the dashboard figures to ``results`` (the ``make bench`` entry point)."""
    figures, _ = measure()
    results.update(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--with-indexes", action="store_true", help="add RECOMMENDED_INDEXES first")
    args = parser.parse_args()
    figures, rows = measure(args.requests, args.repeat, args.with_indexes)
    width = max(len(name) for name, *_ in rows)
    print(f"{'case':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}")
    for name, p50, p95 in rows:
        print(f"{name:<{width}}  {p50:8.1f}  {p95:8.1f}")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
