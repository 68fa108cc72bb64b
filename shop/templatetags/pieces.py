"""``{% shared_piece product_id "name" vary... %}...{% endshared_piece %}``: a part of a product's page that is
the same for every visitor, rendered once per product version (``shop.public_cache.piece``).

The rendered HTML is kept under the product's version, the epoch, the template's source and the ``vary``
values: a write to the product, any store-wide catalog write, an edited template or another ``vary`` renders it
again. What is inside must not depend on the visitor (no names, no ``csrf_token``, no ``user``) nor on stock:
those stay outside, rendered on every request.
"""

import hashlib

from django import template

from shop import public_cache

register = template.Library()


class SharedPieceNode(template.Node):
    def __init__(self, nodelist, product_id, name, vary, source_version: str):
        self.nodelist = nodelist
        self.product_id = product_id
        self.name = name
        self.vary = vary
        self.source_version = source_version

    def render(self, context):
        vary = [str(value.resolve(context)) for value in self.vary]
        digest = hashlib.sha256(repr((self.source_version, vary)).encode()).hexdigest()[:20]
        return public_cache.piece(
            f"html-{self.name.resolve(context)}-{digest}",
            product_id=self.product_id.resolve(context),
            compute=lambda: self.nodelist.render(context),
        )


@register.tag
def shared_piece(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a product id, a name and optional vary values")
    nodelist = parser.parse(("endshared_piece",))
    parser.delete_first_token()
    origin = parser.origin
    source = origin.loader.get_contents(origin) if origin is not None and origin.loader is not None else ""
    return SharedPieceNode(
        nodelist,
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        [parser.compile_filter(bit) for bit in bits[3:]],
        hashlib.sha256(source.encode()).hexdigest()[:16],
    )
