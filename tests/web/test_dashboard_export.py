"""The request list as CSV: the filtered list, every row of it, safe to open."""

from __future__ import annotations

import csv
import io

from intake.submissions.export import COLUMNS

RIVERSIDE = {
    "org_name": "Riverside Surgery",
    "org_code": "A81001",
    "role": "GPP_UA",
    "request_type": "New",
    "nominee_name": "Tom Reed",
    "nominee_email": "tom.reed@nhs.net",
    "authoriser_name": "Dr Sarah Collins",
    "authoriser_email": "sarah.collins@nhs.net",
    "authoriser_capacity": "GP Partner",
}
CLOSED = {"code": "ORG_CLOSED", "field": "org_code", "message": "", "action": ""}


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_export_needs_a_signed_in_caseworker(client):
    response = client.get("/dashboard/export.csv")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_export_is_a_csv_download_with_a_header(caseworker, make_request):
    reference = make_request(
        filename="scan 1.pdf", status="rejected", fields=RIVERSIDE, reasons=[CLOSED]
    )

    response = caseworker.get("/dashboard/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="requests-')
    header, row = _rows(response)
    assert tuple(header) == COLUMNS
    cells = dict(zip(header, row, strict=True))
    assert cells["Reference"] == reference
    assert cells["Status"] == "rejected"
    assert cells["Channel"] == "web"
    assert cells["Organisation name"] == "Riverside Surgery"
    assert cells["Nominee email"] == "tom.reed@nhs.net"
    assert cells["Authoriser capacity"] == "GP Partner"
    assert cells["Reason codes"] == "ORG_CLOSED"
    assert cells["File name"] == "scan 1.pdf"


def test_a_filtered_export_has_only_the_matching_rows(caseworker, make_request):
    wanted = make_request(status="rejected", fields=RIVERSIDE, reasons=[CLOSED])
    make_request(status="applied", fields=RIVERSIDE)
    make_request(status="rejected", fields={**RIVERSIDE, "org_code": "B82002"}, reasons=[CLOSED])

    rows = _rows(caseworker.get("/dashboard/export.csv?status=rejected&q=a81001"))

    assert [row[0] for row in rows[1:]] == [wanted]


def test_the_export_has_every_matching_row_not_one_page(caseworker, make_request, monkeypatch):
    monkeypatch.setattr("intake.submissions.export.BATCH", 2)
    references = [make_request(status="review") for _ in range(5)]

    rows = _rows(caseworker.get("/dashboard/export.csv?status=review"))

    assert [row[0] for row in rows[1:]] == references[::-1]


def test_the_list_links_to_the_export_of_its_filters(caseworker, make_request):
    make_request(fields=RIVERSIDE)

    page = caseworker.get("/dashboard?status=review&q=riverside").get_data(as_text=True)

    assert 'href="/dashboard/export.csv?status=review&amp;q=riverside"' in page
    assert "Download as CSV" in page


def test_a_cell_a_spreadsheet_would_run_is_neutralised(caseworker, make_request):
    make_request(
        filename="@SUM(A1).pdf",
        fields={
            **RIVERSIDE,
            "org_name": '=HYPERLINK("http://evil.example","Click")',
            "nominee_name": "+44 7700 900123",
            "authoriser_name": "-2+3",
            "authoriser_capacity": "\tPartner",
        },
    )

    header, row = _rows(caseworker.get("/dashboard/export.csv"))
    cells = dict(zip(header, row, strict=True))

    assert cells["Organisation name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert cells["Nominee name"] == "'+44 7700 900123"
    assert cells["Authoriser name"] == "'-2+3"
    assert cells["Authoriser capacity"] == "'\tPartner"
    assert cells["File name"] == "'@SUM(A1).pdf"
    assert cells["Nominee email"] == "tom.reed@nhs.net"
