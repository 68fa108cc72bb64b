"""Staff admin for the catalog. Rows edited here are brought back in line by catalog.services' sync
functions (paths, search text, the lowest price, normalized options, thumbnails, review aggregates)."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from catalog import services
from catalog.models import Category, Product, ProductImage, ProductImport, Review, Variant
from catalog.selectors.categories import forget_category_tree
from inventory import selectors as inventory_selectors
from shop.side_effects import after_commit


class CategoryAdminForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "description", "position"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk is not None:
            ancestor = parent
            while ancestor is not None:
                if ancestor.pk == self.instance.pk:
                    raise forms.ValidationError("A category cannot be moved below itself or one of its sub-categories.")
                ancestor = ancestor.parent
        return parent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ["path_names", "slug", "depth", "position"]
    search_fields = ["name", "slug", "path_names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["path_names", "depth"]
    ordering = ["path_names"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.sync_category_subtree(category_id=obj.pk)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        after_commit("catalog.category_tree", forget_category_tree)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        after_commit("catalog.category_tree", forget_category_tree)


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "options", "price", "low_stock_threshold", "position", "available"]
    readonly_fields = ["available"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(available=inventory_selectors.variant_available())

    @admin.display(description="available")
    def available(self, variant):
        return getattr(variant, "available", "-")


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["preview", "image", "alt_text", "position"]
    readonly_fields = ["preview"]

    @admin.display(description="thumbnail")
    def preview(self, image):
        if not image.thumbnail:
            return "-"
        return format_html('<img src="{}" alt="" style="max-height:64px">', image.thumbnail.url)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "seller", "category", "price", "status", "rating", "review_count", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["seller", "category"]
    search_fields = ["name", "brand", "variants__sku"]
    autocomplete_fields = ["seller", "category"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["rating", "review_count", "sales_count", "category_text", "created_at", "updated_at"]
    inlines = [VariantInline, ProductImageInline]
    actions = ["archive"]

    def get_readonly_fields(self, request, obj=None):
        # The price is the lowest variant price once variants exist; on "add" it seeds the default variant.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is None else ["price", *fields]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_vector")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.sync_product(product_id=form.instance.pk, actor=request.user)

    @admin.action(description="Archive the selected products (no longer listed)")
    def archive(self, request, queryset):
        count = queryset.exclude(status=Product.Status.ARCHIVED).update(status=Product.Status.ARCHIVED)
        self.message_user(request, f"{count} product(s) archived.")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "user", "rating", "created_at"]
    list_filter = ["rating", "created_at"]
    list_select_related = ["product", "user"]
    search_fields = ["title", "body", "product__name", "user__email"]
    raw_id_fields = ["product", "user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.sync_product_rating(product_id=obj.product_id)

    def delete_model(self, request, obj):
        product_id = obj.product_id
        super().delete_model(request, obj)
        services.sync_product_rating(product_id=product_id)

    def delete_queryset(self, request, queryset):
        product_ids = set(queryset.values_list("product_id", flat=True))
        super().delete_queryset(request, queryset)
        for product_id in sorted(product_ids):
            services.sync_product_rating(product_id=product_id)


@admin.register(ProductImport)
class ProductImportAdmin(admin.ModelAdmin):
    """Sellers' bulk imports, to look at only: an import changes the catalogue through its own flow."""

    list_display = ["pk", "seller", "file_name", "status", "total_rows", "created_at", "finished_at"]
    list_filter = ["status", "format"]
    list_select_related = ["seller"]
    search_fields = ["file_name", "seller__store_name"]
    exclude = ["content"]
    readonly_fields = ["seller", "created_by", "file_name", "format", "status", "total_rows", "rows_done", "report"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
