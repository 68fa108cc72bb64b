"""A seller's store page for buyers (``/s/<slug>/``): who they are, their rating, their listed products."""

from datetime import timedelta
from decimal import Decimal
import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from catalog import selectors, services
from catalog.forms import PAGE_SIZE
from catalog.models import Product
from tests.catalog.factories import ProductFactory, ProductImageFactory, verified_buyer
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

# Seller, count, page ids, the page's products listed and in stock, their rows and images (none kept yet), the
# rating, and the public cache's next hold lapse (an anonymous miss).
STORE_QUERIES = 8


@pytest.fixture
def seller():
    return SellerFactory(store_name="Trail Co", slug="trail-co", description="Shoes for the hills.\nMade in Wales.")


def store_url(seller, **query) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/s/{seller.slug}/" + (f"?{params}" if params else "")


def review(product, *ratings):
    for rating in ratings:
        services.write_review(
            product_id=product.pk, user=verified_buyer(product), rating=rating, title=f"{rating} stars"
        )


def card_names(html: str) -> list[str]:
    """The product names on the grid's cards, in order."""
    return re.findall(r'class="product-card-name"><a href="[^"]+">([^<]+)</a>', html)


def queries_for(client, url) -> int:
    """Queries to render ``url`` from a cold cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- The store ----------------------------------------------------------------------------------------


def test_the_store_page_shows_the_store_its_description_and_names_it_in_title_and_description(client, seller):
    ProductFactory(seller=seller, name="Fell Runner")

    response = client.get(store_url(seller))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Trail Co</h1>" in html
    assert "Shoes for the hills.<br>Made in Wales." in html
    assert re.search(r"<title>Trail Co · [^<]+</title>", html)
    assert '<meta name="description" content="Trail Co: Shoes for the hills.' in html


def test_the_store_rating_weighs_each_listed_product_by_its_review_count(client, seller):
    loved, panned, dropped = (ProductFactory(seller=seller) for _ in range(3))
    review(loved, 5, 4)
    review(panned, 2)
    review(dropped, 1, 1)
    services.archive_product(product_id=dropped.pk, actor=seller.user)
    review(ProductFactory(), 1)  # another store's

    rating = selectors.store_rating(seller_id=seller.pk)
    html = client.get(store_url(seller)).content.decode()

    assert rating == selectors.StoreRating(average=Decimal("3.67"), count=3)  # (4.5 * 2 + 2) / 3
    assert "Rated 3.7 out of 5, 3 reviews" in html


def test_a_store_without_reviews_says_so(client, seller):
    ProductFactory(seller=seller)

    html = client.get(store_url(seller)).content.decode()

    assert selectors.store_rating(seller_id=seller.pk) == selectors.StoreRating(average=Decimal("0.00"), count=0)
    assert "No reviews yet" in html
    assert "Rated" not in html


def test_the_store_lists_only_its_own_active_products_each_linked_to_its_page(client, seller):
    listed = ProductFactory(seller=seller, name="Fell Runner", slug="fell-runner")
    ProductFactory(seller=seller, name="Secret Draft", status=Product.Status.DRAFT)
    ProductFactory(seller=seller, name="Old Boot", status=Product.Status.ARCHIVED)
    ProductFactory(name="Someone Else's Shoe")

    html = client.get(store_url(seller)).content.decode()

    assert card_names(html) == ["Fell Runner"]
    assert f'href="/p/{listed.pk}-fell-runner/"' in html
    assert "1 product" in html


def test_a_store_with_nothing_listed_shows_an_empty_state(client, seller):
    ProductFactory(seller=seller, name="Secret Draft", status=Product.Status.DRAFT)

    response = client.get(store_url(seller))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Trail Co has nothing for sale yet" in html
    assert card_names(html) == []
    assert "Secret Draft" not in html


def test_an_unknown_store_is_the_404_page(client):
    response = client.get("/s/no-such-store/")

    assert response.status_code == 404
    assert "There is nothing at this address." in response.content.decode()


# --- Sorting and pages ----------------------------------------------------------------------------------


def test_the_store_sorts_newest_first_by_default_and_by_best_selling_on_request(client, seller):
    now = timezone.now()
    ProductFactory(seller=seller, name="Old Favourite", sales_count=40, created_at=now - timedelta(days=9))
    ProductFactory(seller=seller, name="New Arrival", sales_count=1, created_at=now)
    ProductFactory(seller=seller, name="Steady Seller", sales_count=12, created_at=now - timedelta(days=3))

    newest = client.get(store_url(seller)).content.decode()
    best = client.get(store_url(seller, sort="bestselling")).content.decode()

    assert card_names(newest) == ["New Arrival", "Steady Seller", "Old Favourite"]
    assert card_names(best) == ["Old Favourite", "Steady Seller", "New Arrival"]
    assert '<option value="bestselling" selected>Best selling</option>' in best
    assert 'value="relevance"' not in best  # nothing to be relevant to, as on the category page


def test_the_store_sorts_by_price(client, seller):
    for name, price in (("Mid", "50.00"), ("Cheap", "10.00"), ("Dear", "90.00")):
        ProductFactory(seller=seller, name=name, price=Decimal(price))

    html = client.get(store_url(seller, sort="price")).content.decode()

    assert card_names(html) == ["Cheap", "Mid", "Dear"]


def test_the_store_is_paged_like_the_category_page_and_pages_keep_the_sort(client, seller):
    now = timezone.now()
    for n in range(PAGE_SIZE + 1):
        ProductFactory(seller=seller, name=f"Shoe {n:02d}", created_at=now - timedelta(minutes=n))

    first = client.get(store_url(seller, sort="newest")).content.decode()
    second = client.get(store_url(seller, sort="newest", page=2)).content.decode()
    past_the_end = client.get(store_url(seller, page=3))

    assert len(card_names(first)) == PAGE_SIZE
    assert f"1\u2013{PAGE_SIZE} of {PAGE_SIZE + 1} products" in first  # an en dash
    assert 'href="/s/trail-co/?sort=newest&amp;page=2" rel="next"' in first
    assert card_names(second) == [f"Shoe {PAGE_SIZE:02d}"]
    assert past_the_end.status_code == 302
    assert past_the_end["Location"] == "/s/trail-co/?page=2"  # the last page, not a 404


def test_the_store_query_count_does_not_grow_with_products(client, seller, django_assert_max_num_queries):
    def add_products(count):
        for _ in range(count):
            product = ProductFactory(seller=seller, rating=Decimal("4.00"), review_count=2)
            ProductImageFactory(product=product, position=0)
            ProductImageFactory(product=product, position=1)

    add_products(5)
    few = queries_for(client, store_url(seller, sort="bestselling"))
    add_products(25)
    with django_assert_max_num_queries(STORE_QUERIES):
        many = queries_for(client, store_url(seller, sort="bestselling"))
    assert many == few


# --- Links and the public cache ---------------------------------------------------------------------------


def test_the_product_page_links_to_its_store(client, seller):
    product = ProductFactory(seller=seller, name="Fell Runner", slug="fell-runner")

    html = client.get(f"/p/{product.pk}-fell-runner/").content.decode()

    assert 'Sold by <a href="/s/trail-co/"><strong>Trail Co</strong></a>' in html


def test_an_anonymous_store_page_sets_no_cookie_and_is_served_from_the_public_cache(client, seller):
    ProductFactory(seller=seller, name="Fell Runner")

    first = client.get(store_url(seller))
    second = client.get(store_url(seller))

    assert first.status_code == 200
    assert not first.cookies
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_a_product_listed_after_the_store_page_was_cached_shows_at_once(client, seller):
    ProductFactory(seller=seller, name="Fell Runner")
    client.get(store_url(seller))

    services.create_product(seller=seller, name="Bog Trotter", price=Decimal("30.00"), quantity=2)
    again = client.get(store_url(seller))

    assert again["X-Cache"] == "miss"
    assert "Bog Trotter" in card_names(again.content.decode())
