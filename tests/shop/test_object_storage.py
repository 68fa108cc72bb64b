"""Media in object storage and assets behind a CDN: a seller's upload lands in a real S3 API (moto's server on
loopback) with long cache headers, and pages link the bucket, the CDN or a signed URL, which the CSP allows.

Each case runs the settings module afresh with the environment an operator would set (README, "Media in object
storage") and puts what it computed in place with override_settings, which also resets Django's cached storages
(``django.test.signals.storages_changed``), so ``default_storage`` and the image fields' storage follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
import runpy
import uuid

import boto3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from moto.server import ThreadedMotoServer
from PIL import Image
import pytest
import urllib3

from catalog import services
from catalog.models import ProductImage
from catalog.selectors.pages import product_url
from tests.sellers.factories import SellerFactory
from tests.shop.test_csp import directives

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(settings.BASE_DIR) / "shop" / "settings.py"
CACHE_CONTROL = "public, max-age=31536000, immutable"
# Settings that the environment decides and the pages read; the rest of a fresh run stays unused.
COMPUTED = ("STORAGES", "STATIC_URL", "MEDIA_URL", "CONTENT_SECURITY_POLICY", "MEDIA_CACHE_SECONDS")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )


@pytest.fixture
def bucket(s3) -> str:
    """A new, empty bucket of the test's own."""
    name = f"media-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def settings_from(monkeypatch, **environment) -> dict:
    """What shop/settings.py computes with these variables set (the running settings are untouched)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    computed = runpy.run_path(str(SETTINGS_FILE))
    return {name: computed[name] for name in COMPUTED}


def bucket_environment(endpoint: str, bucket: str, **more: str) -> dict[str, str]:
    return {
        "MEDIA_S3_BUCKET": bucket,
        "MEDIA_S3_ENDPOINT_URL": endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY_ID": "test-key",
        "MEDIA_S3_SECRET_ACCESS_KEY": "test-secret",
        **more,
    }


def png(name: str, color: str) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (600, 500), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload_two_pictures(seller, product) -> list[ProductImage]:
    """As a seller does it: two pictures at once from the product's picture page."""
    client = Client()
    client.force_login(seller.user)
    response = client.post(
        f"/seller/products/{product.pk}/images/",
        {"action": "upload", "images": [png("front.png", "red"), png("front.png", "blue")]},
    )
    assert response.status_code == 302
    return list(ProductImage.objects.filter(product=product).order_by("position"))


@pytest.fixture
def lamp():
    seller = SellerFactory(store_name="Lamp Shop")
    return seller, services.create_product(seller=seller, name="Desk Lamp", price=Decimal("30.00"), quantity=4)


class Sources(HTMLParser):
    """Every src and href of a page, unescaped as a browser reads them."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def urls_in(html: str) -> list[str]:
    parser = Sources()
    parser.feed(html)
    return parser.urls


# --- The embedded default ---------------------------------------------------------------------------------------


def test_without_a_bucket_media_stay_on_local_disk_and_pages_load_from_the_store_only(monkeypatch):
    computed = settings_from(monkeypatch)

    assert computed["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert (computed["STATIC_URL"], computed["MEDIA_URL"]) == ("/static/", "/media/")
    policy = computed["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["script-src"] == policy["style-src"] == ["'self'"]


def test_django_storages_own_variable_names_choose_the_bucket_too(monkeypatch):
    computed = settings_from(
        monkeypatch,
        MEDIA_STORAGE="storages.backends.s3.S3Storage",
        AWS_STORAGE_BUCKET_NAME="shop-media",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_S3_CUSTOM_DOMAIN="media.example.test",
    )

    media = computed["STORAGES"]["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "shop-media"
    assert media["OPTIONS"]["region_name"] == "eu-west-1"
    assert media["OPTIONS"]["custom_domain"] == "media.example.test"
    assert "https://media.example.test" in computed["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]


def test_s3_storage_without_a_bucket_is_refused_at_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_S3_BUCKET"):
        settings_from(monkeypatch, MEDIA_STORAGE="storages.backends.s3.S3Storage")


def test_media_served_from_local_disk_are_cached_as_immutable(client, lamp):
    seller, product = lamp
    image = upload_two_pictures(seller, product)[0]

    response = client.get(f"/media/{image.image.name}")

    assert response.status_code == 200
    assert response["Cache-Control"] == CACHE_CONTROL


def test_pictures_with_the_same_file_name_get_names_of_their_own(lamp):
    seller, product = lamp

    names = [
        name for image in upload_two_pictures(seller, product) for name in (image.image.name, image.thumbnail.name)
    ]

    assert len(set(names)) == 4


def test_a_name_is_never_given_again_after_its_picture_is_deleted(lamp):
    """The admin's uploads are named by ProductImage's upload_to: a deleted picture's name must not come back, or
    browsers and CDNs holding the old (immutable) file would show it in place of the new one."""
    _, product = lamp
    first = ProductImage.objects.create(product=product, image=png("front.png", "red"))
    first.image.storage.delete(first.image.name)
    first.delete()

    second = ProductImage.objects.create(product=product, image=png("front.png", "blue"))

    assert second.image.name != first.image.name
    assert second.image.name.startswith(f"products/{product.pk}/")


# --- A bucket behind a CDN ----------------------------------------------------------------------------------------


@pytest.fixture
def cdn_bucket(monkeypatch, s3_endpoint, bucket):
    """Media in the bucket, linked through a CDN at media-cdn.example.test (no signed URLs)."""
    computed = settings_from(
        monkeypatch, **bucket_environment(s3_endpoint, bucket, MEDIA_S3_CUSTOM_DOMAIN="media-cdn.example.test")
    )
    with override_settings(**computed):
        yield bucket


def test_a_sellers_pictures_and_their_thumbnails_land_in_the_bucket(s3, cdn_bucket, lamp):
    seller, product = lamp

    images = upload_two_pictures(seller, product)

    keys = {entry["Key"] for entry in s3.list_objects_v2(Bucket=cdn_bucket)["Contents"]}
    assert keys == {name for image in images for name in (image.image.name, image.thumbnail.name)}
    assert all(key.startswith(f"products/{product.pk}/") for key in keys)
    thumbnail = s3.get_object(Bucket=cdn_bucket, Key=images[0].thumbnail.name)
    assert thumbnail["Body"].read()[8:12] == b"WEBP"


def test_objects_in_the_bucket_carry_a_year_long_immutable_cache_header(s3, cdn_bucket, lamp):
    seller, product = lamp
    image = upload_two_pictures(seller, product)[0]

    original = s3.head_object(Bucket=cdn_bucket, Key=image.image.name)
    thumbnail = s3.head_object(Bucket=cdn_bucket, Key=image.thumbnail.name)

    assert (original["CacheControl"], original["ContentType"]) == (CACHE_CONTROL, "image/png")
    assert (thumbnail["CacheControl"], thumbnail["ContentType"]) == (CACHE_CONTROL, "image/webp")


def test_the_product_page_links_the_pictures_through_the_cdn_and_its_policy_allows_it(cdn_bucket, lamp):
    seller, product = lamp
    first, second = upload_two_pictures(seller, product)

    response = Client().get(product_url(product))

    assert response.status_code == 200
    urls = urls_in(response.content.decode())
    assert f"https://media-cdn.example.test/{first.image.name}" in urls  # the main picture
    assert f"https://media-cdn.example.test/{second.thumbnail.name}" in urls  # the gallery's thumbnails
    assert "https://media-cdn.example.test" in directives(response)["img-src"]


def test_a_name_already_in_the_bucket_is_never_overwritten(cdn_bucket, s3):
    kept = default_storage.save("demo/lamp.jpg", ContentFile(b"first"))

    other = default_storage.save("demo/lamp.jpg", ContentFile(b"second"))

    assert other != kept
    assert s3.get_object(Bucket=cdn_bucket, Key=kept)["Body"].read() == b"first"


# --- A private bucket: signed URLs --------------------------------------------------------------------------------


def test_a_private_buckets_pictures_are_linked_by_signed_urls_that_download_them(
    monkeypatch, s3_endpoint, bucket, lamp
):
    computed = settings_from(monkeypatch, **bucket_environment(s3_endpoint, bucket))
    seller, product = lamp
    with override_settings(**computed):
        first, _ = upload_two_pictures(seller, product)
        response = Client().get(product_url(product))

    signed = next(url for url in urls_in(response.content.decode()) if f"/{bucket}/{first.image.name}?" in url)
    assert signed.startswith(f"{s3_endpoint}/{bucket}/")
    assert "X-Amz-Signature=" in signed
    download = urllib3.request("GET", signed)
    assert download.status == 200
    assert download.data == png("front.png", "red").read()
    assert s3_endpoint in directives(response)["img-src"]


# --- Static files and local media behind a CDN ----------------------------------------------------------------------


def test_static_and_media_cdn_origins_are_linked_and_allowed_by_the_policy(monkeypatch, lamp):
    computed = settings_from(
        monkeypatch,
        STATIC_URL="https://static-cdn.example.test/static/",
        MEDIA_URL="https://media-cdn.example.test/media/",
    )
    seller, product = lamp
    with override_settings(**computed):
        first = upload_two_pictures(seller, product)[0]
        response = Client().get(product_url(product))

    urls = urls_in(response.content.decode())
    assert any(url.startswith("https://static-cdn.example.test/static/css/") for url in urls)
    assert any(url.startswith("https://static-cdn.example.test/static/js/") for url in urls)
    assert f"https://media-cdn.example.test/media/{first.image.name}" in urls
    policy = directives(response)
    assert "https://static-cdn.example.test" in policy["script-src"]
    assert "https://static-cdn.example.test" in policy["style-src"]
    assert {"https://static-cdn.example.test", "https://media-cdn.example.test"} <= set(policy["img-src"])
