from web.dashboard import PAGE_SIZE

REASON = {
    "code": "ORG_CLOSED",
    "field": "org_code",
    "message": "The organisation is closed.",
    "action": "Check the organisation code.",
}


def test_the_dashboard_lists_requests_newest_first(client, make_request):
    older = make_request(fields={"org_code": "A81001", "nominee_name": "Sarah Collins"})
    newer = make_request(fields={"org_code": "B82002", "nominee_name": "Tom Reid"})

    page = client.get("/dashboard").get_data(as_text=True)

    assert page.index(newer) < page.index(older)
    assert "A81001" in page and "Sarah Collins" in page


def test_the_dashboard_shows_reason_codes_channel_and_file(client, make_request):
    make_request(filename="closed.pdf", channel="api", status="rejected", reasons=[REASON])

    page = client.get("/dashboard").get_data(as_text=True)

    assert "ORG_CLOSED" in page
    assert "closed.pdf" in page
    assert ">api<" in page


def test_the_dashboard_filters_by_status(client, make_request):
    rejected = make_request(status="rejected", reasons=[REASON])
    applied = make_request(status="applied")

    page = client.get("/dashboard?status=rejected").get_data(as_text=True)

    assert rejected in page
    assert applied not in page


def test_an_unknown_status_filter_shows_everything(client, make_request):
    reference = make_request(status="applied")

    page = client.get("/dashboard?status=bogus").get_data(as_text=True)

    assert reference in page


def test_the_dashboard_counts_requests_per_status(client, make_request):
    make_request(status="review")
    make_request(status="review")
    make_request(status="applied")

    page = client.get("/dashboard").get_data(as_text=True)

    review_tab = page.split("status-tab-review")[1].split("</a>")[0]
    assert '<span class="count">2</span>' in review_tab
    assert 'All <span class="count">3</span>' in page


def test_the_dashboard_searches_by_org_code_email_or_reference(client, make_request):
    riverside = make_request(fields={"org_code": "A81001", "nominee_email": "sarah@nhs.example"})
    hillside = make_request(fields={"org_code": "B82002", "nominee_email": "tom@nhs.example"})

    by_org = client.get("/dashboard?q=a81001").get_data(as_text=True)
    by_email = client.get("/dashboard?q=TOM@").get_data(as_text=True)
    by_reference = client.get(f"/dashboard?q={riverside}").get_data(as_text=True)

    assert riverside in by_org and hillside not in by_org
    assert hillside in by_email and riverside not in by_email
    assert riverside in by_reference and hillside not in by_reference


def test_a_search_treats_wildcards_literally(client, make_request):
    make_request(fields={"org_code": "A81001"})

    page = client.get("/dashboard?q=%25").get_data(as_text=True)

    assert "No requests match." in page


def test_the_dashboard_pages_through_many_requests(client, make_request):
    references = [make_request() for _ in range(PAGE_SIZE + 1)]

    first = client.get("/dashboard").get_data(as_text=True)
    second = client.get("/dashboard?page=2").get_data(as_text=True)

    assert references[-1] in first and references[0] not in first
    assert 'rel="next"' in first
    assert references[0] in second and references[-1] not in second
    assert 'rel="prev"' in second


def test_the_detail_page_shows_submission_reasons_and_audit_trail(client, make_request):
    reference = make_request(
        filename="riverside.pdf",
        channel="api",
        status="rejected",
        reasons=[REASON],
        fields={"org_code": "Z89999"},
        confidence={"org_code": 1.0},
    )

    page = client.get(f"/dashboard/requests/{reference}").get_data(as_text=True)

    assert "riverside.pdf" in page
    assert "ORG_CLOSED" in page and "The organisation is closed." in page
    assert "Z89999" in page
    assert "SHA-256" in page
    assert "History" in page
    assert "sha256" in page  # the audit event's detail
