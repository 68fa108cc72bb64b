"""Storefront forms: the browse filters (category and search pages, a GET form) and the review form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from catalog.search import SORTS, SearchParams

PAGE_SIZE = 24
MAX_PAGE = 400  # deep offsets are slow and nobody reads page 401; narrow the search instead
MAX_VALUES = 20  # per multi-valued filter

SORT_LABELS = {
    "relevance": "Best match",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "newest": "Newest first",
    "rating": "Customer rating",
    "bestselling": "Best selling",
    "trending": "Trending",
}
RATING_CHOICES = [(4, "4 stars & up"), (3, "3 stars & up"), (2, "2 stars & up"), (1, "1 star & up")]


class ValuesField(forms.Field):
    """Any number of short strings from repeated GET parameters (?brand=A&brand=B); blanks dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return ()
        values = value if isinstance(value, (list, tuple)) else [value]
        cleaned = []
        for item in values:
            text = str(item).strip()[:100]
            if text and text not in cleaned:
                cleaned.append(text)
        return tuple(cleaned[:MAX_VALUES])


def parse_price_band(text: str) -> tuple[Decimal | None, Decimal | None] | None:
    """ "25-50" -> (25, 50); "200-" -> (200, None); "-25" -> (None, 25); anything else -> None."""
    low, sep, high = (text or "").partition("-")
    if not sep:
        return None
    try:
        bounds = tuple(Decimal(part) if part.strip() else None for part in (low, high))
    except InvalidOperation:
        return None
    if all(b is None for b in bounds) or any(b is not None and (b < 0 or not b.is_finite()) for b in bounds):
        return None
    return bounds


def price_band_value(low, high) -> str:
    """The inverse of parse_price_band, for links and radio values."""

    def part(value) -> str:
        if value in (None, ""):
            return ""
        number = Decimal(str(value))
        return str(number.quantize(Decimal(1))) if number == number.to_integral_value() else str(number)

    return f"{part(low)}-{part(high)}"


class BrowseForm(forms.Form):
    """The GET parameters of category and search pages. Invalid values are ignored, never an error page."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    category = forms.SlugField(required=False, max_length=120)
    brand = ValuesField(required=False)
    size = ValuesField(required=False)
    color = ValuesField(required=False)
    price = forms.CharField(required=False, max_length=40)
    rating = forms.TypedChoiceField(
        required=False, coerce=int, choices=[(str(v), label) for v, label in RATING_CHOICES]
    )
    in_stock = forms.BooleanField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(s, SORT_LABELS[s]) for s in SORTS])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    personalize = forms.NullBooleanField(required=False)  # ?personalize=false: the same order as for everyone

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and hasattr(data, "getlist"):
            # Multi-valued filters arrive as lists; everything else as its last value.
            data = {key: (data.getlist(key) if key in ("brand", "size", "color") else data.get(key)) for key in data}
        super().__init__(data, *args, **kwargs)
        self.is_valid()  # fill cleaned_data; fields that fail are simply left out

    def value(self, name: str, default=None):
        return self.cleaned_data.get(name) or default

    @property
    def price_band(self) -> tuple[Decimal | None, Decimal | None] | None:
        return parse_price_band(self.value("price", ""))

    @property
    def page_number(self) -> int:
        return self.value("page", 1)

    @property
    def personalized(self) -> bool:
        return self.cleaned_data.get("personalize") is not False

    def search_params(self, *, category_id: int | None, limit: int = PAGE_SIZE, affinity=None) -> SearchParams:
        band = self.price_band or (None, None)
        sort = self.value("sort")
        if sort == "relevance" and not self.value("q"):
            sort = None  # nothing to be relevant to: the default order
        return SearchParams(
            q=self.value("q", ""),
            category_id=category_id,
            brands=self.value("brand", ()),
            min_price=band[0],
            max_price=band[1],
            rating_gte=self.value("rating"),
            in_stock=True if self.value("in_stock") else None,
            sizes=self.value("size", ()),
            colors=self.value("color", ()),
            sort=sort,
            offset=(self.page_number - 1) * limit,
            limit=limit,
            with_facets=True,
            affinity=affinity,
        )

    @property
    def has_filters(self) -> bool:
        return any(self.value(name) for name in ("brand", "size", "color", "price", "rating", "in_stock"))


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating",
        coerce=int,
        choices=[(str(n), f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label="Title", max_length=150, widget=forms.TextInput(attrs={"placeholder": "Sum it up"}))
    body = forms.CharField(
        label="Your review",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "What did you like or dislike?"}),
    )
