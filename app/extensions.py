"""Flask extensions, created unbound; ``create_app`` binds them to an application."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from app.core.db import Base, RequestSession

db = SQLAlchemy(model_class=Base, session_options={"class_": RequestSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()
cache = Cache()
