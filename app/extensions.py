"""Extensions, created unbound here and bound to the app in create_app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.dbtypes import Base

db = SQLAlchemy(model_class=Base)

# The base class of every model. Flask-SQLAlchemy makes `db.Model` at run time, which type
# checkers cannot see; they are told it is the declarative base it derives from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def client_ip() -> str:
    """The caller's address (ProxyFix has already applied X-Forwarded-For in production)."""
    return request.remote_addr or "unknown"
