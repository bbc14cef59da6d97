"""Activities of a unit (charity classes, summer review classes, art programmes that raise
funds, meetings to encourage students, drives at the peak times) and their calendar."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models and routes (own blueprint), menu link, demo seeder."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from app.demo import add_seeder
    from students.activities import models, photo_views, photos, views  # noqa: F401
    from students.activities.demo import seed_activities, seed_activity_photos
    from students.activities.photos import campaign_activities
    from students.blueprint import READERS

    for blueprint in (views.bp, photo_views.public_bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    # The campaign page lists the activities that raise its funds, with their public photos.
    app.add_template_global(campaign_activities, "campaign_activities")
    nav.register(_l("Hoạt động"), "unit_activities.index", READERS, order=43)
    add_seeder(33, seed_activities)
    add_seeder(33, seed_activity_photos)  # after the activities (a stable sort)
