"""Morbidity cases (Table 2) and dangerous-product cases (Table 3): one storage shape, ``cases.kind``."""
