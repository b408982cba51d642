"""Temporary sanitary measures (Table 4), response measures and reviews (Table 5); Rules §26–30."""
