"""Forms of the seller's product pages: the list's filters, the product editor (with its attribute and variant
rows) and the picture forms.

They only parse and check input; catalog.seller_views hands the cleaned values to catalog.services.
"""

from __future__ import annotations

from django import forms

from catalog.images import MAX_BYTES
from catalog.models import Product, ProductImage
from catalog.selectors.categories import category_tree
from catalog.services import MAX_VARIANTS, OPTION_LENGTH

MAX_UNITS = 1_000_000
SORT_CHOICES = [("newest", "Newest first"), ("name", "Name"), ("price", "Price"), ("stock", "Stock (lowest first)")]
# Values written on the buttons of the editor (name="action").
BUILD, SAVE, DRAFT, PUBLISH = "build", "save", "draft", "publish"


class ProductFilterForm(forms.Form):
    """The list's search box, status filter and sort (a GET form)."""

    q = forms.CharField(label="Name, SKU or brand", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Every status"), *Product.Status.choices])
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)


def option_values(text: str, *, label: str) -> list[str]:
    """ "S, M ,L,m" -> ["S", "M", "L"]: comma-separated values, trimmed, repeats (any case) dropped."""
    values: list[str] = []
    for part in (text or "").split(","):
        value = part.strip()
        if not value:
            continue
        if len(value) > OPTION_LENGTH:
            raise forms.ValidationError(f"Each {label} is at most {OPTION_LENGTH} characters.")
        if value.lower() not in (known.lower() for known in values):
            values.append(value)
    return values


def category_choices() -> list[tuple[str, str]]:
    """Every category as its path ("Clothing > Shoes > Running"), in tree order, after "No category"."""
    tree = category_tree()
    ordered: list[tuple[str, str]] = []

    def visit(category_id: int) -> None:
        node = tree[category_id]
        ordered.append((str(node.id), node.path_names or node.name))
        for child in node.children:
            visit(child)

    for node in tree.values():
        if node.parent_id is None or node.parent_id not in tree:
            visit(node.id)
    return [("", "No category"), *ordered]


class ProductForm(forms.Form):
    """A product's own fields, and the sizes and colours its variant table is built from."""

    name = forms.CharField(label="Name", max_length=Product._meta.get_field("name").max_length)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.TypedChoiceField(label="Category", required=False, coerce=int, empty_value=None)
    brand = forms.CharField(label="Brand", required=False, max_length=Product._meta.get_field("brand").max_length)
    price = forms.DecimalField(
        label="Price",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Used for every variant whose own price is left blank.",
    )
    low_stock_threshold = forms.IntegerField(
        label="Low-stock threshold",
        required=False,
        min_value=0,
        max_value=MAX_UNITS,
        help_text="Mark a variant low at or below this many units (blank: your store's default).",
    )
    sizes = forms.CharField(label="Sizes", required=False, max_length=1000, help_text="Comma-separated, e.g. S, M, L.")
    colors = forms.CharField(
        label="Colours", required=False, max_length=1000, help_text="Comma-separated, e.g. Red, Navy."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()

    def clean_sizes(self) -> list[str]:
        return option_values(self.cleaned_data.get("sizes", ""), label="size")

    def clean_colors(self) -> list[str]:
        return option_values(self.cleaned_data.get("colors", ""), label="colour")


class AttributeForm(forms.Form):
    """One specification row ("Material": "Cotton"); a row without a name is ignored unless it has a value."""

    key = forms.CharField(label="Name", required=False, max_length=60)
    value = forms.CharField(label="Value", required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("value") and not cleaned.get("key"):
            self.add_error("key", "Give this value a name.")
        return cleaned


class BaseAttributeFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        names = [form.cleaned_data.get("key", "").strip().lower() for form in self.forms]
        names = [name for name in names if name]
        if len(names) != len(set(names)):
            raise forms.ValidationError("Each attribute name may be used once.")

    def attributes(self) -> dict[str, str]:
        """The filled rows as the product's ``attributes``."""
        return {
            form.cleaned_data["key"].strip(): form.cleaned_data.get("value", "").strip()
            for form in self.forms
            if form.cleaned_data.get("key", "").strip()
        }


AttributeFormSet = forms.formset_factory(AttributeForm, formset=BaseAttributeFormSet, extra=0, max_num=50)


class VariantRowForm(forms.Form):
    """One row of the variant table: an existing variant (known by its SKU) or a new size and colour combination."""

    size = forms.CharField(required=False, max_length=OPTION_LENGTH, widget=forms.HiddenInput)
    color = forms.CharField(required=False, max_length=OPTION_LENGTH, widget=forms.HiddenInput)
    sku = forms.CharField(label="SKU", required=False, max_length=64)
    price = forms.DecimalField(label="Price", required=False, min_value=0, max_digits=12, decimal_places=2)
    quantity = forms.IntegerField(label="Stock on hand", required=False, min_value=0, max_value=MAX_UNITS)


VariantFormSet = forms.formset_factory(
    VariantRowForm, extra=0, max_num=MAX_VARIANTS, absolute_max=MAX_VARIANTS, validate_max=True
)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Several uploaded files at once, each at most MAX_BYTES (the content is checked by the service)."""

    widget = MultipleImageInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            raise forms.ValidationError("Choose at least one picture.")
        cleaned = [super(ImagesField, self).clean(file, initial) for file in files]
        for file in cleaned:
            if file.size > MAX_BYTES:
                raise forms.ValidationError(f"{file.name} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return cleaned


def color_choices(colors: list[str]) -> list[tuple[str, str]]:
    return [("", "All colours"), *((color, color) for color in colors)]


class ImageUploadForm(forms.Form):
    images = ImagesField(
        label="Pictures",
        help_text="JPEG, PNG, GIF or WebP, up to 10 MB each.",
        widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    alt_text = forms.CharField(
        label="Alt text",
        required=False,
        max_length=ProductImage._meta.get_field("alt_text").max_length,
        help_text="What the picture shows, for people who cannot see it (blank: the product's name).",
    )
    color = forms.ChoiceField(label="Colour", required=False)

    def __init__(self, *args, colors: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["color"].choices = color_choices(colors)


class ImageChangeForm(forms.Form):
    """One picture's alt text and colour, or a move / delete (which only need ``image_id``)."""

    UPDATE, UP, DOWN, DELETE = "update", "up", "down", "delete"

    action = forms.ChoiceField(choices=[(UPDATE, "Save"), (UP, "Move up"), (DOWN, "Move down"), (DELETE, "Delete")])
    image_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    alt_text = forms.CharField(
        label="Alt text", required=False, max_length=ProductImage._meta.get_field("alt_text").max_length
    )
    color = forms.ChoiceField(label="Colour", required=False)

    def __init__(self, *args, colors: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["color"].choices = color_choices(colors)


class StatusForm(forms.Form):
    """Publish, unpublish (back to draft) or archive a product."""

    PUBLISH, UNPUBLISH, ARCHIVE = "publish", "unpublish", "archive"

    action = forms.ChoiceField(choices=[(PUBLISH, "Publish"), (UNPUBLISH, "Unpublish"), (ARCHIVE, "Archive")])
