"""Every page carries the security headers and speaks the visitor's language."""


def test_the_front_page_is_chinese_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "统一身份认证" in page.get_data(as_text=True)


def test_the_front_page_is_english_when_the_browser_prefers_it(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Unified Identity" in page.get_data(as_text=True)


def test_pages_cannot_be_framed_or_leak_the_referrer(client):
    headers = client.get("/").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_an_unknown_page_gets_a_friendly_404(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "页面不存在" in page.get_data(as_text=True)
