"""What the shopper sees of a search: the notice when not every word matched, the filters the search read
in the query as removable chips, and cards that show the colour a colour filter asks for."""

from decimal import Decimal

from django.core.cache import cache
import pytest

from catalog import views
from catalog.models import ProductImage
from tests.catalog.test_pages import LISTING_QUERIES, make_category, make_product, page_text, queries_for
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

# A colour filter costs two more queries for the whole page: that colour's variants and its pictures.
COLOUR_LISTING_QUERIES = LISTING_QUERIES + 2


@pytest.fixture
def seller():
    return SellerFactory(store_name="Trail Co")


@pytest.fixture
def boots(seller):
    return make_category("Boots")


def colour_shoe(seller, category, name="Canyon Boot", sku="CAN"):
    """A boot in brown (90.00) and black (a sold-out 95.00 size 8, a 99.00 size 9), a picture of each colour
    after one for every colour."""
    product = make_product(
        seller,
        name,
        category=category,
        variants=[
            {
                "sku": f"{sku}-8-BRN",
                "options": {"size": "8", "color": "Brown"},
                "price": Decimal("90.00"),
                "quantity": 3,
            },
            {
                "sku": f"{sku}-8-BLK",
                "options": {"size": "8", "color": "Black"},
                "price": Decimal("95.00"),
                "quantity": 0,
            },
            {
                "sku": f"{sku}-9-BLK",
                "options": {"size": "9", "color": "Black"},
                "price": Decimal("99.00"),
                "quantity": 2,
            },
        ],
    )
    for position, color in enumerate(("", "Brown", "Black")):
        ProductImage.objects.create(
            product=product,
            image=f"products/{product.pk}/{position}.jpg",
            thumbnail=f"products/{product.pk}/{position}-{color or 'any'}-400.webp",
            width=800,
            height=800,
            color=color,
            position=position,
        )
    return product


def card_of(html: str, name: str) -> str:
    """The HTML of the product card whose link reads ``name``."""
    for card in html.split('<article class="product-card')[1:]:
        card = card.split("</article>")[0]
        if f">{name}</a>" in card:
            return card
    raise AssertionError(f"no card for {name}")


@pytest.fixture
def searched(monkeypatch):
    """Make the search report what catalog.search reads in a query (``relaxed``, ``detected_color``, ...)."""
    real = views.search_products

    def answer(**fields):
        def search_products(params):
            result = real(params)
            for name, value in fields.items():
                setattr(result, name, value)
            return result

        monkeypatch.setattr(views, "search_products", search_products)

    return answer


# --- Not every word matched ---------------------------------------------------------------------------


def test_a_relaxed_search_says_what_the_results_are_for(client, seller, boots, searched):
    make_product(seller, "Boots", category=boots)
    searched(relaxed=True, matched_terms=["boots"], dropped_terms=["men"])

    html = page_text(client.get("/search?q=boots"))  # as if "men boots" had been asked

    assert "No results for “boots”; showing results for “<strong>boots</strong>”." in html
    assert "Left out: men." in html


def test_a_search_matching_every_word_has_no_relaxed_notice(client, seller, boots):
    make_product(seller, "Leather Boots", category=boots)

    html = page_text(client.get("/search?q=leather+boots"))

    assert "Leather Boots" in html
    assert 'data-testid="relaxed"' not in html


# --- Filters read in the query ----------------------------------------------------------------------


def test_a_colour_read_in_the_query_is_a_chip_that_searches_without_it(client, seller, boots, searched):
    colour_shoe(seller, boots)
    searched(detected_color="black")

    html = page_text(client.get("/search?q=black+boot"))

    assert '<a class="chip" href="/search?q=boot">Colour: black' in html


def test_a_price_read_in_the_query_is_a_chip_that_searches_without_it(client, seller, boots, searched):
    make_product(seller, "Leather Boots", category=boots, price="40.00")
    searched(detected_max_price=Decimal("50"))

    html = page_text(client.get("/search?q=boots+under+%2450"))

    assert '<a class="chip" href="/search?q=boots">Under $50' in html


def test_a_size_read_in_the_query_is_a_chip_that_searches_without_it(client, seller, boots, searched):
    colour_shoe(seller, boots)
    searched(detected_size="9")

    html = page_text(client.get("/search?q=boot+size+9"))

    assert '<a class="chip" href="/search?q=boot">Size: 9' in html


def test_a_colour_the_search_reads_in_the_query_shows_on_the_cards(client, seller, boots):
    shoe = colour_shoe(seller, boots)

    html = page_text(client.get("/search?q=black+boot"))

    assert f"{shoe.pk}/2-Black-400.webp" in card_of(html, "Canyon Boot")
    assert '<a class="chip" href="/search?q=boot">Colour: black' in html


def test_a_colour_also_ticked_in_the_filters_has_one_chip(client, seller, boots, searched):
    colour_shoe(seller, boots)
    searched(detected_color="black")

    html = page_text(client.get("/search?q=black+boot&color=Black"))

    assert html.count("Colour: ") == 1


# --- Cards under a colour filter --------------------------------------------------------------------


def test_under_a_colour_filter_a_card_shows_that_colours_picture_price_and_link(client, seller, boots):
    shoe = colour_shoe(seller, boots)

    card = card_of(page_text(client.get("/search?q=boot&color=black")), "Canyon Boot")

    assert f"{shoe.pk}/2-Black-400.webp" in card  # the black picture, not the first one
    assert "$99" in card  # the black variant the product page preselects: the first in stock
    assert f'href="/p/{shoe.pk}-canyon-boot/?color=Black"' in card


def test_a_colour_read_in_the_query_picks_the_cards_colour(client, seller, boots, searched):
    shoe = colour_shoe(seller, boots)
    searched(detected_color="brown")

    card = card_of(page_text(client.get("/search?q=brown+boot")), "Canyon Boot")

    assert f"{shoe.pk}/1-Brown-400.webp" in card
    assert "$90" in card
    assert "?color=Brown" in card


def test_a_category_page_under_a_colour_filter_shows_that_colour(client, seller, boots):
    shoe = colour_shoe(seller, boots)

    card = card_of(page_text(client.get("/c/boots/?color=Brown")), "Canyon Boot")

    assert f"{shoe.pk}/1-Brown-400.webp" in card
    assert "?color=Brown" in card


def test_without_a_colour_filter_a_card_shows_the_first_picture_and_the_product_page(client, seller, boots):
    shoe = colour_shoe(seller, boots)

    card = card_of(page_text(client.get("/search?q=boot")), "Canyon Boot")

    assert f"{shoe.pk}/0-any-400.webp" in card
    assert f'href="/p/{shoe.pk}-canyon-boot/"' in card


def test_the_product_page_preselects_the_cards_colour_and_shows_its_picture_first(client, seller, boots):
    shoe = colour_shoe(seller, boots)

    html = page_text(client.get(f"/p/{shoe.pk}-canyon-boot/?color=Black"))

    assert f'<img src="/media/products/{shoe.pk}/2.jpg"' in html.split("data-gallery-main")[0]
    assert 'value="Black" checked' in html


def test_a_colour_filtered_listing_query_count_does_not_grow_with_products(
    client, seller, boots, django_assert_max_num_queries
):
    for n in range(2):
        colour_shoe(seller, boots, name=f"Boot {n}", sku=f"A{n}")
    few = queries_for(client, "/c/boots/?color=black")
    for n in range(12):
        colour_shoe(seller, boots, name=f"Boot more {n}", sku=f"B{n}")
    cache.clear()
    with django_assert_max_num_queries(COLOUR_LISTING_QUERIES):
        many = queries_for(client, "/c/boots/?color=black")
    assert many == few
