"""The pages about the service, the error pages, and the design system's assets."""

from __future__ import annotations

from web import frontend


def test_the_accessibility_statement_is_linked_from_every_page(client):
    upload = client.get("/").get_data(as_text=True)
    statement = client.get("/accessibility")

    assert 'href="/accessibility"' in upload
    assert statement.status_code == 200
    page = statement.get_data(as_text=True)
    assert "Accessibility statement for PCSE User Administrator requests" in page
    assert "WCAG) version 2.2 at level AA" in page


def test_a_missing_page_is_drawn_like_every_other_page(client):
    response = client.get("/no-such-page")

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<title>Page not found – PCSE User Administrator requests</title>" in page
    assert 'class="nhsuk-header' in page and 'class="nhsuk-footer' in page


def test_the_api_still_answers_a_missing_page_in_json(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]["code"] == "NOT_FOUND"


def test_a_caseworker_page_forbidden_to_them_says_so_in_words(caseworker):
    response = caseworker.get("/admin/tokens")

    assert response.status_code == 403
    assert "You cannot see this page" in response.get_data(as_text=True)


def test_the_design_system_is_copied_without_remote_fonts_and_with_local_images(tmp_path):
    package = tmp_path / "dist"
    (package / "assets" / "images").mkdir(parents=True)
    (package / frontend.CSS).write_text(
        "@font-face{font-family:F;src:url(https://fonts.example/f.woff2)}"
        ".x{background:url(/assets/images/i.svg)}"
    )
    (package / frontend.JS).write_text("export const initAll = () => {}")
    (package / "assets" / "images" / "i.svg").write_text("<svg/>")

    written = frontend.install(package, tmp_path / "static")

    assert written == ["assets/images/i.svg", frontend.CSS, frontend.JS]
    css = (tmp_path / "static" / frontend.CSS).read_text()
    assert css == ".x{background:url(assets/images/i.svg)}"


def test_the_pages_use_the_design_system_when_it_is_installed(client):
    page = client.get("/").get_data(as_text=True)

    assert frontend.installed(), "make install copies the design system into web/static/nhsuk"
    assert "/static/nhsuk/nhsuk-frontend.min.css" in page
    assert client.get("/static/nhsuk/nhsuk-frontend.min.css").status_code == 200
