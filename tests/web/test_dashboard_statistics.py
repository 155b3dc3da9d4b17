"""The statistics page: its headline figures and tables, for caseworkers."""

from __future__ import annotations

import datetime as dt
import re


def test_the_statistics_page_needs_a_signed_in_caseworker(client):
    response = client.get("/dashboard/statistics")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_statistics_page_shows_the_figures(caseworker, make_request):
    exists = {"code": "USER_ADMIN_EXISTS", "field": "role", "message": "", "action": ""}
    make_request(status="applied", decided_by="system", decision_seconds=1.5)
    make_request(status="rejected", decided_by="casey", decision_seconds=3.0, reasons=[exists])
    make_request(status="review", decided_by="system", decision_seconds=2.0, reasons=[exists])

    page = caseworker.get("/dashboard/statistics").get_data(as_text=True)

    assert '<h1 class="nhsuk-heading-l">Statistics</h1>' in page
    assert 'class="nhsuk-summary-list"' in page
    assert "1 of the 2 requests applied or rejected" in page
    assert "50.0%" in page
    assert "Half within 2.0 seconds; 95 in 100 within 3.0 seconds" in page
    assert "3 waiting" not in page and "1 waiting" in page
    assert page.count("<caption") == 2
    reason_row = re.search(r'<tr data-code="USER_ADMIN_EXISTS">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'numeric">(\d+)<', reason_row) == ["0", "1", "1", "2"]
    today = dt.date.today()
    assert f"{today.day} {today:%B %Y}" in page


def test_the_request_list_links_to_the_statistics(caseworker):
    page = caseworker.get("/dashboard").get_data(as_text=True)

    assert 'href="/dashboard/statistics"' in page
