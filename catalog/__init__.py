"""Categories, products, variants, images, reviews and search (arrives with the catalog issue)."""
