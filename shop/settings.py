"""The store's one settings module, configured from the environment.

With nothing set you get the embedded default: SQLite, a file cache in var/cache, eager Celery, console
e-mail, media on local disk, DEBUG on and a generated development secret. Each variable in the
README's settings table switches one piece to a real service; no code changes.
"""

import copy
from datetime import timedelta
import hashlib
from pathlib import Path
import secrets
from urllib.parse import urlsplit

from celery.schedules import crontab
import environ

from shop.currency import checked_store_currency

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional, never committed

# --- Core -------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)


def _dev_secret_key() -> str:
    """A random secret kept in var/ so sessions survive restarts; only ever used with DEBUG on."""
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or (_dev_secret_key() if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

STORE_NAME = env.str("STORE_NAME", default="Bazaar")
# One currency for the whole store (ISO 4217); every price in the API carries it.
# A code without an ISO 4217 exponent, or with more places than amounts are stored with, is refused.
STORE_CURRENCY = checked_store_currency(env.str("STORE_CURRENCY", default="USD"))
# The store's home country (ISO 3166-1 alpha-2): preselected in the checkout's and address book's country select.
STORE_COUNTRY = env.str("STORE_COUNTRY", default="US").upper()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "django_structlog",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Only for `manage.py search_index`: it connects to nothing until used, and indexes on no model save (below).
    "django_elasticsearch_dsl",
    # the store
    "shop",
    "accounts",
    "sellers",
    "catalog",
    "inventory",
    "cart",
    "orders",
    "payments",
    "ledger",
    "logistics",
    "notifications",
    "recommendations",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Oversized bodies and unstorable text in the path or query are refused before anything reads them.
    "shop.request_guards.RequestGuardMiddleware",
    # Outside everything else, so a stored answer carries every header the stack adds (shop/wsgi.py
    # serves the same entries before Django runs).
    "shop.public_cache.PublicCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "shop.api.middleware.ApiCacheHeadersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff who enrolled a TOTP device give its code before the admin opens (accounts/middleware.py).
    "accounts.middleware.AdminOtpMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shop.middleware.DomainErrorPageMiddleware",
    # Development without a worker only: moves simulated parcels on their timer (removes itself otherwise).
    "shop.middleware.SimulatedCarrierMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
ASGI_APPLICATION = "shop.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.storefront",
            ],
            # `{{ amount|money }}`, `{% product_cards %}`, `{% shared_piece %}` in every template without a {% load %}.
            "builtins": ["shop.templatetags.money", "shop.templatetags.cards", "shop.templatetags.pieces"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the dev server read while a request writes; a busy timeout instead of "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation costs ~100 ms on the large facet aggregates and gains nothing on short queries.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A streaming read replica (shop/db_router.py): catalog pages, search, order history and seller figures read
# from it unless the visitor wrote in the last REPLICA_PIN_SECONDS; everything else reads the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    # Same options as the primary (connection age, health checks, jit off); under the test runner it mirrors
    # default, as the test database lives on the primary and a hot standby cannot create one.
    DATABASES["replica"] = {
        **copy.deepcopy(DATABASES["default"]),
        **{key: _replica[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT") if key in _replica},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["shop.db_router.ReplicaRouter"]
    MIDDLEWARE.append("shop.db_router.ReplicaPinMiddleware")  # after authentication: it pins the user too
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------------------------
# Everything kept in a cache is shared by every process of the store: throttle counters, the category
# tree, search results, the public answer cache and its versions. Two aliases, one store:
# "default" for everything else, which carries on without the cache when it fails (throttles let
# requests through, the tree and searches are recomputed, sessions come from the database), and
# "public" for shop/public_cache.py, which must see its own failures and notices remade Redis
# connections, so that a missed bump is never followed by a stale answer.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    _REDIS_CACHE = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="shop"),
    }
    _REDIS_OPTIONS = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "SOCKET_CONNECT_TIMEOUT": 2,
        "SOCKET_TIMEOUT": 2,
    }
    CACHES = {
        "default": {**_REDIS_CACHE, "OPTIONS": {**_REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True}},
        "public": {
            **_REDIS_CACHE,
            "OPTIONS": {**_REDIS_OPTIONS, "CONNECTION_POOL_CLASS": "shop.public_cache.WatchedConnectionPool"},
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Without Redis, files under CACHE_DIR that every process on this machine shares (several
    # gunicorn workers never disagree about a price). Web processes on several machines need REDIS_URL.
    # Keys are prefixed with the database they describe: processes on another database (a test's, a second
    # checkout's) never read entries about rows that only share ids with theirs.
    _FILE_CACHE = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.str("CACHE_DIR", default=str(VAR_DIR / "cache")),
        "KEY_PREFIX": hashlib.sha256(str(DATABASES["default"]["NAME"]).encode()).hexdigest()[:12],
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
    CACHES = {"default": _FILE_CACHE, "public": {**_FILE_CACHE}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that loads the visitor's store with them (one query less per signed-in page).
    "accounts.backends.SignInBackend",
    # Sessions begun before SignInBackend name this one.
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "recommendations:home"

# Reverse proxies in front of the app that append to X-Forwarded-For. The client address (throttles,
# lockouts) is the address the outermost trusted proxy saw; 0: the socket's peer, whatever the headers say.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Failed sign-ins are counted per e-mail and client address; after LOGIN_FAILURE_LIMIT failures that
# pair is refused (429) for LOGIN_COOLOFF_MINUTES, on the storefront and the API alike.
# The counts live in the database (shared by every process on every configuration), never in a cache.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Lockouts key on the same client address as every throttle (shop/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "shop.client_ip.client_ip"
# Optional two-factor sign-in (django-otp TOTP) for sellers and staff; the name authenticator apps show.
OTP_TOTP_ISSUER = STORE_NAME
# Password-reset links stay valid this long (Django's setting); e-mail verification and change links too.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
EMAIL_LINK_MAX_AGE = 60 * 60 * 24

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["shop.api.parsers.BoundedJSONParser"],
    "DEFAULT_METADATA_CLASS": "shop.api.metadata.ViewMetadata",
    "DEFAULT_PAGINATION_CLASS": "shop.api.pagination.OffsetLimitPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "shop.api.throttling.AnonRateThrottle",
        "shop.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="300/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
        "auth": env.str("API_THROTTLE_AUTH", default="30/min"),
    },
    "EXCEPTION_HANDLER": "shop.api.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "shop.api.schema.ProblemAutoSchema",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # DRF's own reading; our throttles use shop.client_ip
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Storefront forms (shop/throttles.py), POSTs only: sign-in and sign-up per client address, add-to-cart
# per user (or session), checkout per user. Over the rate: a 429 page with Retry-After, nothing processed.
PAGE_THROTTLE_RATES = {
    "login": env.str("PAGE_THROTTLE_LOGIN", default="10/min"),
    "signup": env.str("PAGE_THROTTLE_SIGNUP", default="5/min"),
    "cart_add": env.str("PAGE_THROTTLE_CART_ADD", default="60/min"),
    "checkout": env.str("PAGE_THROTTLE_CHECKOUT", default="10/min"),
    # "Forgot your password?" and the account page's e-mail forms (accounts/views.py), per client address.
    "account_email": env.str("PAGE_THROTTLE_ACCOUNT_EMAIL", default="5/min"),
}
# At most this many account e-mails (password reset, verification, e-mail change) go to one address;
# past it, requests still get the same answer but nothing is sent (no mail bombing, no enumeration).
ACCOUNT_EMAILS_PER_ADDRESS = env.str("ACCOUNT_EMAILS_PER_ADDRESS", default="3/hour")
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "UPDATE_LAST_LOGIN": True,
    # Every refresh hands out a new refresh token and revokes the old one (token_blacklist app).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{STORE_NAME} API",
    "DESCRIPTION": "The store's public HTTP contract. Errors are RFC 9457 problem details.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge image from validator.swagger.io: the docs load nothing from elsewhere.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # System fonts instead of Redoc's default Google web fonts (templates/api_docs/redoc.html links none).
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
                "headings": {"fontFamily": 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'},
                "code": {"fontFamily": "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"},
            }
        }
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several models have a field named "status"; each choice set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "ShipmentStatusEnum": "logistics.models.Shipment.Status",
        "OrderLineStatusEnum": "orders.models.OrderLine.Status",
        "ReturnStatusEnum": "orders.models.ReturnRequest.Status",
        "ImportStatusEnum": "catalog.models.ProductImport.Status",
        "ImportFormatEnum": "catalog.models.ProductImport.Format",
    },
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# Without a broker, tasks run in-process (eagerly) so the embedded default needs no services.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# RabbitMQ only: publisher confirms, so a send returns once the broker holds the task and raises otherwise (the outbox
# then makes the delivery due for redispatch at once) instead of returning when the task leaves our socket. Redis
# keeps kombu's defaults (its visibility timeout is an hour, longer than any event retry's countdown).
CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True} if CELERY_BROKER_URL.startswith(("amqp", "pyamqp")) else {}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# One queue per deployment sharing a broker (make cluster and its test use their own).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE: dict = {
    # Expired holds are swept at least once a minute (paying an expired order is refused anyway).
    "expire-unpaid-orders": {"task": "orders.tasks.expire_overdue_orders", "schedule": 30.0},
    # Event deliveries published while the broker was down, or whose worker died mid-task.
    "redispatch-events": {"task": "shop.tasks.redispatch_events", "schedule": 30.0},
    # Refunds claimed by a cancellation or return whose payment step did not finish (a crashed worker).
    "pay-pending-refunds": {"task": "orders.tasks.pay_pending_refunds", "schedule": 300.0},
    # Idempotency-Key records older than IDEMPOTENCY_KEY_HOURS.
    "purge-idempotency-records": {"task": "orders.tasks.purge_idempotency_records", "schedule": 3600.0},
    # Shoppers' views, cart adds and searches waiting in Redis (RECOMMENDATIONS_BUFFER_SIGNALS).
    "flush-recommendation-signals": {"task": "recommendations.tasks.flush_signals", "schedule": 10.0},
    # Delivered lines whose return window and hold are over: their money becomes available to the seller.
    "release-seller-funds": {"task": "ledger.tasks.release_funds", "schedule": 3600.0},
    # Every Monday, a payout per seller with money available (the week just ended); safe to run again.
    "weekly-payouts": {"task": "ledger.tasks.run_weekly_payouts", "schedule": crontab(hour=6, minute=0, day_of_week=1)},
    # Trending scores (recent sales and views, decayed) behind the landing page and sort=trending.
    "refresh-trending": {
        "task": "recommendations.tasks.refresh_trending",
        "schedule": env.float("TRENDING_REFRESH_SECONDS", default=900.0),
    },
}

# --- Purchase flow -----------------------------------------------------------------------------
# How long checkout holds stock for an unpaid order; the order then expires and the stock returns.
ORDER_HOLD_SECONDS = env.int("ORDER_HOLD_SECONDS", default=300)
# Fair holds (orders/services/fairness.py): what one buyer may hold unpaid at once, so that one account
# cannot take a product's whole stock. Open unpaid orders at a time; units of one variant across them,
# never more than a share of the variant's on-hand units, except that HOLD_MIN_UNITS_PER_VARIANT units are
# always allowed (buying the last two of a small stock is an ordinary purchase); checkouts per minute.
# After CHECKOUT_BACKOFF_AFTER orders abandoned (expired unpaid) in 24 h, each next checkout waits
# CHECKOUT_BACKOFF_BASE_SECONDS x 2^(abandoned - CHECKOUT_BACKOFF_AFTER) from the last abandonment, at most
# CHECKOUT_BACKOFF_MAX_SECONDS (429 with Retry-After).
HOLD_MAX_OPEN_ORDERS = env.int("HOLD_MAX_OPEN_ORDERS", default=3)
HOLD_MAX_UNITS_PER_VARIANT = env.int("HOLD_MAX_UNITS_PER_VARIANT", default=10)
HOLD_MAX_SHARE_OF_STOCK = env.float("HOLD_MAX_SHARE_OF_STOCK", default=0.5)
HOLD_MIN_UNITS_PER_VARIANT = env.int("HOLD_MIN_UNITS_PER_VARIANT", default=3)
CHECKOUTS_PER_MINUTE = env.int("CHECKOUTS_PER_MINUTE", default=5)
CHECKOUT_BACKOFF_AFTER = env.int("CHECKOUT_BACKOFF_AFTER", default=3)
CHECKOUT_BACKOFF_BASE_SECONDS = env.int("CHECKOUT_BACKOFF_BASE_SECONDS", default=30)
CHECKOUT_BACKOFF_MAX_SECONDS = env.int("CHECKOUT_BACKOFF_MAX_SECONDS", default=900)
# Shipping methods offered at checkout: price in the store currency, delivery in business days.
SHIPPING_METHODS = {
    "standard": {
        "label": "Standard",
        "price": env.str("SHIPPING_STANDARD_PRICE", default="4.99"),
        "min_days": 3,
        "max_days": 5,
    },
    "express": {
        "label": "Express",
        "price": env.str("SHIPPING_EXPRESS_PRICE", default="14.99"),
        "min_days": 1,
        "max_days": 2,
    },
}
# Sales tax as a fraction of the subtotal (0.08 = 8 %), applied to goods, not shipping.
TAX_RATE = env.str("TAX_RATE", default="0")
# Idempotency-Key records are kept at least this long (API.md: 24 h).
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)
# The payment gateway: "test" is built in (tokens tok_visa, tok_chargeDeclined, tok_async).
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="test")
# Shared secret signing the test gateway's webhooks (timestamped HMAC-SHA256, like Stripe's).
PAYMENTS_TEST_WEBHOOK_SECRET = env.str("PAYMENTS_TEST_WEBHOOK_SECRET", default="") or (
    "whsec_" + hashlib.sha256(f"test-gateway-webhooks:{SECRET_KEY}".encode()).hexdigest()[:40]
)
# Signed webhook timestamps older (or newer) than this are refused.
PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = env.int("PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", default=300)
# The test gateway settles tok_async payments this many seconds later, through its own webhook.
PAYMENTS_TEST_WEBHOOK_DELAY_SECONDS = env.int("PAYMENTS_TEST_WEBHOOK_DELAY_SECONDS", default=3)
# Where the test gateway delivers that webhook over HTTP (the store's own address); empty: in-process.
PAYMENTS_TEST_WEBHOOK_BASE_URL = env.str("PAYMENTS_TEST_WEBHOOK_BASE_URL", default="")

# --- Order lifecycle ----------------------------------------------------------------------------
# Each event subscriber is tried this many times (exponential backoff) before its delivery is marked failed.
EVENT_MAX_ATTEMPTS = env.int("EVENT_MAX_ATTEMPTS", default=5)
# A pending delivery not handled this long after its last attempt is sent again by the beat task.
EVENT_REDISPATCH_SECONDS = env.int("EVENT_REDISPATCH_SECONDS", default=60)
# The simulated carrier moves a shipped parcel one step (in transit, out for delivery, delivered) this often.
SIMULATED_CARRIER_STEP_SECONDS = env.int("SIMULATED_CARRIER_STEP_SECONDS", default=3600)
# Without a worker (eager Celery) in development, its steps are not run at once when the parcel ships: the
# pages catch them up on their timer as they are requested (shop.middleware.SimulatedCarrierMiddleware).
SIMULATED_CARRIER_CATCH_UP = env.bool("SIMULATED_CARRIER_CATCH_UP", default=DEBUG and CELERY_TASK_ALWAYS_EAGER)
# It marks parcels delivered with no carrier's evidence, so only DEBUG (the demo) offers it unless this says so.
SIMULATED_CARRIER_ENABLED = env.bool("SIMULATED_CARRIER_ENABLED", default=False)
# Shared secret signing carriers' tracking webhooks (timestamped HMAC-SHA256).
LOGISTICS_WEBHOOK_SECRET = env.str("LOGISTICS_WEBHOOK_SECRET", default="") or (
    "whsec_" + hashlib.sha256(f"carrier-webhooks:{SECRET_KEY}".encode()).hexdigest()[:40]
)
# Signed carrier webhooks older (or newer) than this are refused.
LOGISTICS_WEBHOOK_TOLERANCE_SECONDS = env.int("LOGISTICS_WEBHOOK_TOLERANCE_SECONDS", default=300)
# Buyers may ask to return an item this many days after it was delivered.
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)

# --- Marketplace money (ledger/) ---------------------------------------------------------------
# The platform's commission on a line's goods when no rule of ledger.CommissionRate applies (a fraction).
COMMISSION_RATE = env.str("COMMISSION_RATE", default="0.10")
# A delivered line's money becomes available to its seller this many days after the return window closes.
FUNDS_HOLD_DAYS = env.int("FUNDS_HOLD_DAYS", default=1)
# Who sends payouts: "test" is built in (it pays everyone but the seller ids in PAYOUT_TEST_FAILING_SELLERS).
PAYOUT_PROVIDER = env.str("PAYOUT_PROVIDER", default="test")
PAYOUT_TEST_FAILING_SELLERS = env.list("PAYOUT_TEST_FAILING_SELLERS", cast=int, default=[])
# Bulk catalogue import (catalog.imports): the largest file and the most rows one upload may hold, and the
# row count above which the dry run runs as a Celery task rather than in the upload request.
CATALOG_IMPORT_MAX_BYTES = env.int("CATALOG_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
CATALOG_IMPORT_MAX_ROWS = env.int("CATALOG_IMPORT_MAX_ROWS", default=50_000)
CATALOG_IMPORT_INLINE_ROWS = env.int("CATALOG_IMPORT_INLINE_ROWS", default=1_000)

# --- Request limits (shop/request_guards.py, shop/api/parsers.py) ------------------------------
# A body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB) is a 413; multipart uploads, whose files
# Django does not count there, may reach MAX_REQUEST_BYTES (room for several 10 MB pictures at once, and
# for an oversized import to be told its own limit).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=64 * 1024 * 1024)
# API JSON bodies: larger or more deeply nested ones are a 400.
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)

# --- E-mail -----------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{STORE_NAME} <shop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The store's public address, for absolute links in e-mails (e.g. https://shop.example.com); required with
# DEBUG off (a system check refuses to start without it). Empty in development: the development server's
# address, the first ALLOWED_HOSTS entry on DEV_SERVER_PORT (shop.site).
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
DEV_SERVER_PORT = env.int("PORT", default=8000)

# --- Static and media -------------------------------------------------------------------------
# Either may be a CDN's address (https://cdn.example.com/static/): pages then link there, and the CDN
# fetches from this app at the URL's path (WhiteNoise serves /static/, SERVE_MEDIA /media/).
STATIC_URL = env.str("STATIC_URL", default="/static/")
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded files from local disk are served by Django itself only in development (or when asked);
# in production they live in object storage (MEDIA_STORAGE) or behind the web server.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
# Media are never rewritten under the same name (product pictures get a fresh random name per upload,
# catalog.models.product_image_path; S3 refuses to overwrite), so browsers and CDNs keep them this long
# as immutable, from the bucket and from SERVE_MEDIA alike.
MEDIA_CACHE_SECONDS = env.int("MEDIA_CACHE_SECONDS", default=60 * 60 * 24 * 365)
MEDIA_CACHE_CONTROL = f"public, max-age={MEDIA_CACHE_SECONDS}, immutable"
# Media in an S3-compatible bucket (django-storages): AWS S3, or MinIO and the like at MEDIA_S3_ENDPOINT_URL.
# Without keys here, boto3 finds its own (AWS_ACCESS_KEY_ID, the instance's role, ~/.aws). Each MEDIA_S3_ name
# also answers to django-storages' own (AWS_STORAGE_BUCKET_NAME, AWS_S3_REGION_NAME, ...), as operators know them.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="") or env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_S3_REGION = env.str("MEDIA_S3_REGION", default="") or env.str("AWS_S3_REGION_NAME", default="") or None
MEDIA_S3_ENDPOINT_URL = (
    env.str("MEDIA_S3_ENDPOINT_URL", default="") or env.str("AWS_S3_ENDPOINT_URL", default="") or None
)
# A CDN in front of the bucket (cdn.example.com, a host and optional path, no scheme): pages link there.
MEDIA_S3_CUSTOM_DOMAIN = (
    env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
)
# Signed, expiring URLs for a private bucket (ignored with a custom domain). Pages are kept in the cache up
# to PIECE_CACHE_SECONDS, so the expiry must stay well above that.
MEDIA_S3_QUERYSTRING_AUTH = env.bool("MEDIA_S3_QUERYSTRING_AUTH", default=True)
MEDIA_S3_QUERYSTRING_EXPIRE = env.int("MEDIA_S3_QUERYSTRING_EXPIRE", default=60 * 60)
_MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_S3_BUCKET:
    _MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "region_name": MEDIA_S3_REGION,
            "endpoint_url": MEDIA_S3_ENDPOINT_URL,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": MEDIA_S3_CUSTOM_DOMAIN,
            "querystring_auth": MEDIA_S3_QUERYSTRING_AUTH,
            "querystring_expire": MEDIA_S3_QUERYSTRING_EXPIRE,
            "signature_version": "s3v4",  # buckets made since 2020 refuse SigV2 signed URLs
            "file_overwrite": False,  # a repeated name gets a suffix: a cached (immutable) name never changes
            "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
        },
    }
STORAGES = {
    # MEDIA_STORAGE may name another class (with a bucket, one taking S3Storage's options).
    "default": {**_MEDIA_STORAGE, "BACKEND": env.str("MEDIA_STORAGE", default=_MEDIA_STORAGE["BACKEND"])},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if STORAGES["default"]["BACKEND"].startswith("storages.backends.s3") and not MEDIA_S3_BUCKET:
    # Refused at start, not at the first upload.
    raise environ.ImproperlyConfigured("S3 media storage needs a bucket: set MEDIA_S3_BUCKET")


def _origin(url: str | None) -> list[str]:
    """The scheme and host of an absolute URL, for the Content Security Policy; none for a path."""
    parts = urlsplit(url or "")
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


STATIC_ORIGINS = _origin(STATIC_URL)
# Where pictures' URLs point: the CDN, else the S3 endpoint (path-style) or AWS's hosts for the bucket.
if MEDIA_S3_BUCKET and MEDIA_S3_CUSTOM_DOMAIN:
    MEDIA_ORIGINS = _origin(f"https://{MEDIA_S3_CUSTOM_DOMAIN}")
elif MEDIA_S3_BUCKET and MEDIA_S3_ENDPOINT_URL:
    MEDIA_ORIGINS = _origin(MEDIA_S3_ENDPOINT_URL)
elif MEDIA_S3_BUCKET:
    MEDIA_ORIGINS = [f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com"] + (
        [f"https://{MEDIA_S3_BUCKET}.s3.{MEDIA_S3_REGION}.amazonaws.com"] if MEDIA_S3_REGION else []
    )
else:
    MEDIA_ORIGINS = _origin(MEDIA_URL)
# Hashed names never change content: a year in production. In development pages use the plain names
# (whose content changes with every edit), so nothing is cached there.
WHITENOISE_MAX_AGE = 0 if DEBUG else 60 * 60 * 24 * 365

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security (production defaults whenever DEBUG is off) -------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Cookies only over HTTPS in production; SECURE_COOKIES=0 for a production-like store on plain-HTTP loopback
# (make cluster).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): every script and style comes from our own static files, never
# inline. The API docs pages relax it for themselves (shop/urls.py). Static files may come from STATIC_URL's
# CDN origin; images also from the media's (MEDIA_ORIGINS) and those listed in CSP_IMG_ORIGINS.
_IMG_ORIGINS = [*STATIC_ORIGINS, *MEDIA_ORIGINS, *env.list("CSP_IMG_ORIGINS", default=[])]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *STATIC_ORIGINS],
        "style-src": ["'self'", *STATIC_ORIGINS],
        "img-src": ["'self'", "data:", *dict.fromkeys(_IMG_ORIGINS)],
        "font-src": ["'self'", *STATIC_ORIGINS],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30

# --- Logging: one structured line per request ---------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {"()": "shop.logs.build_formatter", "fmt": LOG_FORMAT},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
DJANGO_STRUCTLOG_CELERY_ENABLED = False

# --- Search -----------------------------------------------------------------------------------
# Large result sets (count, facets, page ids) are cached this long; small ones are always fresh.
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=60)
SEARCH_CACHE_MIN_COUNT = env.int("SEARCH_CACHE_MIN_COUNT", default=200)
# The engine: "postgres" (the default on PostgreSQL), "sqlite" (the default on SQLite) or "elasticsearch"
# (catalog/search/elasticsearch/: products indexed through the outbox's catalog.products_changed event).
SEARCH_BACKEND = env.str(
    "SEARCH_BACKEND",
    default="postgres" if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else "sqlite",
)
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# Index names start with it ("shop-products"), so several stores (or test runs) can share one cluster.
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="shop")
ELASTICSEARCH_TIMEOUT_SECONDS = env.float("ELASTICSEARCH_TIMEOUT_SECONDS", default=5.0)
# django-elasticsearch-dsl: a client is made only when one is used. No signal processor and no autosync:
# indexing goes through the outbox only, never through model signals.
ELASTICSEARCH_DSL = {
    "default": {
        "hosts": ELASTICSEARCH_URL or "http://127.0.0.1:9200",
        "request_timeout": ELASTICSEARCH_TIMEOUT_SECONDS,
    }
}
ELASTICSEARCH_DSL_AUTOSYNC = False
ELASTICSEARCH_DSL_AUTO_REFRESH = False
ELASTICSEARCH_DSL_SIGNAL_PROCESSOR = "django_elasticsearch_dsl.signals.BaseSignalProcessor"

# --- Recommendations: shoppers' signals ---------------------------------------------------------
# Signed-in shoppers' signals wait in a Redis list for the beat task when there is a broker and Redis;
# otherwise (eager Celery: tests, make run) they are written at once. A guest's live in the cache, keyed by
# the session key, for as long as a session lasts.
RECOMMENDATIONS_BUFFER_SIGNALS = env.bool(
    "RECOMMENDATIONS_BUFFER_SIGNALS", default=bool(REDIS_URL) and not CELERY_TASK_ALWAYS_EAGER
)
RECOMMENDATIONS_GUEST_HISTORY_SECONDS = SESSION_COOKIE_AGE

# --- Public answer cache (shop/public_cache.py) -------------------------------------------------
# Anonymous GETs of these paths are answered from the shared cache for this long; writes bump a
# version so changed data is never served stale. 0 turns it off.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=60)
# Pieces of signed-in pages that are the same for everyone (a product page's body, its reviews, the API's
# product detail; shop.public_cache.piece) are kept this long, each under its product's version. 0 turns it off.
PIECE_CACHE_SECONDS = env.int("PIECE_CACHE_SECONDS", default=600)
# Rendered product cards (shop/fragments.py), addressed by what they show: never stale, kept this long.
CARD_CACHE_SECONDS = env.int("CARD_CACHE_SECONDS", default=3600)
PUBLIC_CACHE_PATHS = ("/api/v1/products", "/api/v1/categories", "/api/v1/search/", "/c/", "/search", "/p/", "/s/")

# --- Operations -------------------------------------------------------------------------------
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if not METRICS_TOKEN and not DEBUG:
    raise environ.ImproperlyConfigured("METRICS_TOKEN must be set when DEBUG is off (/metrics needs its token)")
