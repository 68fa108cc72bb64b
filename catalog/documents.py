"""The catalog's Elasticsearch documents, where django-elasticsearch-dsl looks for them (``manage.py search_index``).
They live in catalog/search/elasticsearch/documents.py; nothing here indexes on a model save."""

from catalog.search.elasticsearch.documents import ProductDocument

__all__ = ["ProductDocument"]
