"""The Elasticsearch search backend (SEARCH_BACKEND=elasticsearch): ``documents`` (the index and its mapping),
``queries`` (requests and answers as plain data), ``backend`` (ElasticsearchBackend) and ``indexing`` (what the
outbox's subscribers run). Imported only when that backend is chosen, or by ``manage.py search_index``."""
