"""catalog.services' picture use cases: add (with a colour), update, delete, reorder; and the storefront's colour
gallery they feed."""

from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
import pytest

from catalog import services
from catalog.errors import ImageNotFound, InvalidField, NotProductOwner, ProductNotFound
from catalog.models import Product, ProductImage
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def png(name="photo.png"):
    buffer = BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def tee(seller):
    variants = [
        {"sku": f"T-{color}", "options": {"size": "M", "color": color}, "price": Decimal("10.00"), "quantity": 3}
        for color in ("Red", "Navy Blue")
    ]
    return services.create_product(seller=seller, name="Tee", variants=variants)


def add(product, seller, **fields):
    return services.add_image(product_id=product.pk, actor=seller.user, image=png(), **fields)


def test_add_image_takes_a_colour_of_the_products_variants_in_their_spelling(tee, seller):
    image = add(tee, seller, color="navy blue")

    assert image.color == "Navy Blue"


def test_add_image_refuses_a_colour_no_variant_has_and_stores_nothing(tee, seller, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(InvalidField) as refused:
        add(tee, seller, color="Green")

    assert refused.value.field == "color"
    assert not ProductImage.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_update_image_changes_alt_text_and_colour(tee, seller):
    image = add(tee, seller)

    services.update_image(product_id=tee.pk, image_id=image.pk, actor=seller.user, alt_text=" Side ", color="Red")

    image.refresh_from_db()
    assert (image.alt_text, image.color) == ("Side", "Red")


def test_a_blank_colour_shows_the_picture_for_every_colour(tee, seller):
    image = add(tee, seller, color="Red")

    services.update_image(product_id=tee.pk, image_id=image.pk, actor=seller.user, color="")

    image.refresh_from_db()
    assert image.color == ""


def test_update_image_moves_a_picture_to_a_position(tee, seller):
    first, second, third = (add(tee, seller) for _ in range(3))

    services.update_image(product_id=tee.pk, image_id=third.pk, actor=seller.user, position=0)

    order = list(ProductImage.objects.filter(product=tee).order_by("position").values_list("pk", flat=True))
    assert order == [third.pk, first.pk, second.pk]


def test_reorder_images_puts_them_in_the_given_order(tee, seller):
    first, second, third = (add(tee, seller) for _ in range(3))

    services.reorder_images(product_id=tee.pk, image_ids=[second.pk, third.pk, first.pk], actor=seller.user)

    order = list(ProductImage.objects.filter(product=tee).order_by("position").values_list("pk", "position"))
    assert order == [(second.pk, 0), (third.pk, 1), (first.pk, 2)]


def test_reorder_images_must_name_every_picture_once(tee, seller):
    first, second = add(tee, seller), add(tee, seller)

    with pytest.raises(InvalidField):
        services.reorder_images(product_id=tee.pk, image_ids=[first.pk, first.pk], actor=seller.user)
    with pytest.raises(InvalidField):
        services.reorder_images(product_id=tee.pk, image_ids=[second.pk], actor=seller.user)


def test_delete_image_removes_the_row_and_its_files_after_commit(tee, seller, django_capture_on_commit_callbacks):
    image = add(tee, seller)
    storage, names = image.image.storage, [image.image.name, image.thumbnail.name]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delete_image(product_id=tee.pk, image_id=image.pk, actor=seller.user)
        assert all(storage.exists(name) for name in names)  # not before the commit
    for callback in callbacks:
        callback()

    assert not ProductImage.objects.exists()
    assert not any(storage.exists(name) for name in names)


def test_another_seller_cannot_change_pictures(tee, seller):
    image = add(tee, seller)
    other = SellerFactory().user

    with pytest.raises(NotProductOwner):
        services.update_image(product_id=tee.pk, image_id=image.pk, actor=other, alt_text="Mine")
    with pytest.raises(NotProductOwner):
        services.delete_image(product_id=tee.pk, image_id=image.pk, actor=other)
    with pytest.raises(NotProductOwner):
        services.reorder_images(product_id=tee.pk, image_ids=[image.pk], actor=other)
    image.refresh_from_db()
    assert image.alt_text == "Tee"


def test_a_drafts_pictures_are_not_found_by_others(tee, seller):
    image = add(tee, seller)
    services.update_product(product_id=tee.pk, actor=seller.user, status=Product.Status.DRAFT)

    with pytest.raises(ProductNotFound):
        services.delete_image(product_id=tee.pk, image_id=image.pk, actor=SellerFactory().user)


def test_a_picture_of_another_product_is_not_found(tee, seller):
    other = services.create_product(seller=seller, name="Mug", price=Decimal("5.00"))
    image = add(other, seller)

    with pytest.raises(ImageNotFound):
        services.update_image(product_id=tee.pk, image_id=image.pk, actor=seller.user, alt_text="x")


# --- The storefront's gallery follows the chosen colour ------------------------------------------------------


def test_the_product_page_marks_pictures_with_their_colour_and_preselects_one(tee, seller, client):
    plain = add(tee, seller)
    red = add(tee, seller, color="Red")
    navy = add(tee, seller, color="Navy Blue")

    html = client.get(f"/p/{tee.pk}-tee/?color=navy+blue").content.decode()

    main = html.split("data-gallery-main")[0].rsplit("<img", 1)[1]
    assert navy.image.url in main
    assert html.index(f'data-full="{navy.image.url}"') < html.index(f'data-full="{plain.image.url}"')
    assert 'data-color="Red"' in html
    assert red.image.url in html
    assert 'value="Navy Blue" checked' in html


def test_without_a_colour_the_gallery_keeps_its_order(tee, seller, client):
    plain = add(tee, seller)
    add(tee, seller, color="Red")

    html = client.get(f"/p/{tee.pk}-tee/").content.decode()

    main = html.split("data-gallery-main")[0].rsplit("<img", 1)[1]
    assert plain.image.url in main
