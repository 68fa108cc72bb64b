"""The seller's product API: GET /api/v1/seller/products, and PATCH / DELETE of one product picture."""

from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
import pytest

from catalog import services
from catalog.models import Product, ProductImage
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/seller/products"


def png():
    buffer = BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def seller_api(api_client, seller):
    api_client.force_authenticate(seller.user)
    return api_client


@pytest.fixture
def tee(seller):
    variants = [
        {"sku": "T-S-RED", "options": {"size": "S", "color": "Red"}, "price": Decimal("10.00"), "quantity": 1},
        {"sku": "T-M-BLUE", "options": {"size": "M", "color": "Blue"}, "price": Decimal("14.00"), "quantity": 8},
    ]
    return services.create_product(seller=seller, name="Tee", brand="Acme", variants=variants, low_stock_threshold=2)


def image_url(product, image):
    return f"/api/v1/products/{product.pk}/images/{image.pk}"


def test_the_list_has_own_products_of_every_status_with_stock_per_variant(seller_api, seller, tee):
    services.create_product(seller=seller, name="Mug", price=Decimal("5.00"), status=Product.Status.DRAFT)
    services.create_product(seller=SellerFactory(), name="Not mine", price=Decimal("5.00"))

    response = seller_api.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["offset"], body["limit"], body["next_offset"]) == (2, 0, 20, None)
    by_name = {product["name"]: product for product in body["products"]}
    assert by_name["Mug"]["status"] == "draft"
    assert (by_name["Tee"]["price"], by_name["Tee"]["max_price"]) == ("10.00", "14.00")
    assert by_name["Tee"]["variants"][0] == {
        "sku": "T-S-RED",
        "options": {"color": "Red", "size": "S"},
        "price": "10.00",
        "on_hand": 1,
        "available": 1,
        "low_stock": True,
    }
    assert by_name["Tee"]["variants"][1]["low_stock"] is False


def test_the_list_filters_by_q_and_status_and_pages(seller_api, seller, tee):
    services.create_product(seller=seller, name="Mug", price=Decimal("5.00"), status=Product.Status.DRAFT)

    assert [p["name"] for p in seller_api.get(LIST, {"q": "t-m-blue"}).json()["products"]] == ["Tee"]
    assert [p["name"] for p in seller_api.get(LIST, {"status": "draft"}).json()["products"]] == ["Mug"]
    page = seller_api.get(LIST, {"limit": 1}).json()
    assert (len(page["products"]), page["next_offset"]) == (1, 1)
    assert seller_api.get(LIST, {"status": "gone"}).status_code == 400


def test_buyers_get_403_on_the_list(api_client):
    api_client.force_authenticate(UserFactory())

    assert api_client.get(LIST).status_code == 403


def test_posting_an_image_takes_a_colour(seller_api, tee):
    response = seller_api.post(
        f"/api/v1/products/{tee.pk}/images", {"image": png(), "color": "Blue"}, format="multipart"
    )

    assert response.status_code == 201
    assert response.json()["color"] == "Blue"


def test_patch_changes_alt_text_colour_and_position(seller_api, seller, tee):
    first = services.add_image(product_id=tee.pk, actor=seller.user, image=png())
    second = services.add_image(product_id=tee.pk, actor=seller.user, image=png())

    response = seller_api.patch(
        image_url(tee, second), {"alt_text": "Back", "color": "red", "position": 0}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["alt"], response.json()["color"]) == ("Back", "Red")
    order = list(ProductImage.objects.filter(product=tee).order_by("position").values_list("pk", flat=True))
    assert order == [second.pk, first.pk]


def test_patch_refuses_a_colour_the_product_does_not_have(seller_api, seller, tee):
    image = services.add_image(product_id=tee.pk, actor=seller.user, image=png())

    response = seller_api.patch(image_url(tee, image), {"color": "Green"}, format="json")

    assert response.status_code == 400
    assert "color" in response.json()["errors"]


def test_delete_removes_the_picture(seller_api, seller, tee):
    image = services.add_image(product_id=tee.pk, actor=seller.user, image=png())

    response = seller_api.delete(image_url(tee, image))

    assert response.status_code == 204
    assert not ProductImage.objects.exists()


def test_another_seller_gets_404_for_the_picture_and_nothing_changes(api_client, seller, tee):
    image = services.add_image(product_id=tee.pk, actor=seller.user, image=png())
    api_client.force_authenticate(SellerFactory().user)

    assert api_client.patch(image_url(tee, image), {"alt_text": "Mine"}, format="json").status_code == 404
    assert api_client.delete(image_url(tee, image)).status_code == 404
    image.refresh_from_db()
    assert image.alt_text == "Tee"


def test_a_picture_of_another_product_is_404(seller_api, seller, tee):
    other = services.create_product(seller=SellerFactory(), name="Vase", price=Decimal("5.00"))
    image = services.add_image(product_id=other.pk, actor=other.seller.user, image=png())

    assert seller_api.delete(image_url(tee, image)).status_code == 404
    assert ProductImage.objects.filter(pk=image.pk).exists()


def test_buyers_get_403_on_picture_changes(api_client, seller, tee):
    image = services.add_image(product_id=tee.pk, actor=seller.user, image=png())
    api_client.force_authenticate(UserFactory())

    assert api_client.delete(image_url(tee, image)).status_code == 403
