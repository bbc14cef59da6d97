"""An import preview is read in a later request: its row errors follow the reader's language."""

from __future__ import annotations

import io

from students.registry.importer import TEMPLATE_HEADERS
from tests.conftest import login


def _csv(*rows: str) -> bytes:
    return (";".join(TEMPLATE_HEADERS) + "\n" + "\n".join(rows) + "\n").encode()


def test_preview_errors_in_english_and_vietnamese(client, make_user, places, units):
    school = places["school_a"].name
    data = _csv(
        f"Sùng A Sai;31/02/2013;Trai;Mông;{school};7;7A;;;;Giàu;2;0;;;",
        f"Lò Thị Đôi;01/06/2012;Nữ;Thái;{school};7;7A;;;;;2;0;;;",
        f"Lo Thi Doi;01/06/2012;Nữ;Thái;{school};7;7A;;;;;2;0;;;",
    )
    login(client, make_user("field", "a"))
    response = client.post(
        "/quan-tri/hoc-sinh/nhap",
        data={"unit_id": units["a"].id, "file": (io.BytesIO(data), "ds.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = response.headers["Location"]
    english = client.get(f"{preview}?lang=en").get_data(as_text=True)
    assert "Gender must be Nam, Nữ or Khác." in english
    assert "Unknown situation “Giàu”." in english
    assert "Invalid date of birth “31/02/2013” (day/month/year)." in english
    assert "in the file" in english  # the second Lò Thị Đôi
    vietnamese = client.get(preview).get_data(as_text=True)
    assert "Giới tính phải là Nam, Nữ hoặc Khác." in vietnamese
    assert "Hoàn cảnh “Giàu” không rõ." in vietnamese and "trong tệp" in vietnamese
