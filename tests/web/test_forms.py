import io
import re

import pypdf

from intake.forms.blank import FILENAME
from verification.fields import FIELD_KEYS


def test_the_form_page_explains_the_form_and_links_to_the_pdf(client):
    response = client.get("/form")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert re.search(r'<a class="nhsuk-button" href="/form\.pdf"', page)
    assert "Who can authorise the request" in page
    assert 'href="/"' in page  # where to send it back


def test_the_pdf_is_served_as_an_attachment_with_every_field_fillable(client):
    response = client.get("/form.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{FILENAME}"'
    fields = pypdf.PdfReader(io.BytesIO(response.data)).get_fields()
    assert set(fields) == set(FIELD_KEYS)


def test_the_pdf_tells_the_requester_where_to_send_it(make_app):
    app = make_app(
        public_url="https://intake.example.nhs.uk",
        imap_host="imap.example.nhs.uk",
        imap_user="pcse.forms@nhs.net",
    )
    data = app.test_client().get("/form.pdf").data
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()

    assert "https://intake.example.nhs.uk/" in text
    assert "pcse.forms@nhs.net" in text


def test_without_a_mailbox_the_pdf_names_only_the_upload_page(client):
    text = pypdf.PdfReader(io.BytesIO(client.get("/form.pdf").data)).pages[0].extract_text()

    assert "http://127.0.0.1:8000/" in text
    assert "email it as an attachment" not in text
