"""What an API view answers to OPTIONS: its name, description and media types, never its serializer's form.

DRF's SimpleMetadata builds each writable method's serializer, and for PUT fetches the object first
(``get_object``), which our views do through selectors instead: that made OPTIONS a 500. The schema
at /api/schema/ is where clients learn the fields.
"""

from rest_framework.metadata import SimpleMetadata


class ViewMetadata(SimpleMetadata):
    """OPTIONS without ``actions``: it touches no object and builds no serializer."""

    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
