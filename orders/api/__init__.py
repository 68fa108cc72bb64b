"""Orders API: buyer endpoints (``buyer``), seller endpoints (``seller``) and the answers' shapes (``presenters``)."""
