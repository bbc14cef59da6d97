"""The site starts, answers its health check, and shows Vietnamese by default."""

from app.extensions import db


def test_home_renders_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Quỹ Thắp sáng ước mơ tuổi trẻ" in html


def test_language_switch_to_english_and_back(client):
    client.get("/ngon-ngu/en")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Skip to main content" in html and "Bỏ qua, tới nội dung chính" not in html
    client.get("/ngon-ngu/vi")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html and "Bỏ qua, tới nội dung chính" in html


def test_unknown_language_keeps_vietnamese(client):
    client.get("/ngon-ngu/xx")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_is_down(make_app, tmp_path):
    # A PostgreSQL URL nobody listens on: the check must answer 503, not raise.
    down = make_app(
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_database_down_page_is_friendly(make_app):
    down = make_app(
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    response = down.test_client().post(
        "/dang-nhap", data={"email": "a@b.vn", "password": "whatever-long"}
    )
    # The login needs the database: the visitor is told plainly, with no stack trace.
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Không kết nối được cơ sở dữ liệu" in html
    assert "Traceback" not in html


def test_404_page_in_site_style(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_sqlite_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
