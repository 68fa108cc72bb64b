"""Read functions of the catalog app, for pages, the API and other apps.

Split by subject: ``categories`` (the tree), ``products`` (cards, detail, variants, reviews) and
``pages`` (what storefront pages need beyond that).
"""
