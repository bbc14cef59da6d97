"""The campaign editor: the cover survives "Xem trước", the preview looks like the public page,
archiving stands apart and asks first, roles and statuses in words."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.extensions import db
from campaigns.images import image_exists
from campaigns.models import Campaign
from tests.campaigns.test_admin import _form
from tests.fixtures.campaigns import jpeg_bytes


def test_cover_chosen_before_preview_is_kept_for_the_save(client, login_as, units):
    login_as("manager", "a")
    preview = client.post(
        "/quan-tri/chien-dich/moi",
        data={**_form(units), "preview": "1", "cover": (io.BytesIO(jpeg_bytes()), "bia.jpg")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "data-preview" in html
    key = re.search(r'name="kept_cover" value="([0-9a-f]+)"', html).group(1)
    assert image_exists(key)
    assert f"/anh/{key}-full.jpg" in html  # the preview shows the cover as the public will
    # The browser cannot resend a file: the save comes without one, with the kept key.
    saved = client.post(
        "/quan-tri/chien-dich/moi", data={**_form(units), "save": "1", "kept_cover": key}
    )
    assert saved.status_code == 302
    campaign = db.session.execute(select(Campaign)).scalar_one()
    assert campaign.cover_image == key


def test_a_forged_kept_cover_is_ignored(client, login_as, units):
    login_as("manager", "a")
    saved = client.post(
        "/quan-tri/chien-dich/moi",
        data={**_form(units), "save": "1", "kept_cover": "../../etc/passwd"},
    )
    assert saved.status_code == 302
    assert db.session.execute(select(Campaign)).scalar_one().cover_image is None


def test_archive_stands_apart_and_asks_first(client, login_as, make_campaign):
    campaign = make_campaign(unit="a", status="closed")
    login_as("manager", "a")
    html = client.get(f"/quan-tri/chien-dich/{campaign.id}").get_data(as_text=True)
    life = html.split('aria-labelledby="life-h"', 1)[1]
    actions = life.split("actions cp-actions", 1)[1].split("</div>", 1)[0]
    assert "Lưu trữ" not in actions and "Mở lại" in actions
    archive = html.split("data-archive", 1)[1].split("</div>", 1)[0]
    assert "data-confirm" in archive and "Không thể hoàn tác" in archive


def test_roles_in_words_in_the_header(client, login_as):
    login_as("manager", "a")
    html = client.get("/quan-tri/").get_data(as_text=True)
    user_line = html.split('class="bo-user"', 1)[1].split("</span>", 1)[0]
    assert "· Quản lý đơn vị ·" in user_line and "· manager ·" not in user_line
