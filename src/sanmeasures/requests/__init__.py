"""Requests and their answers, threaded by the document answered: Table 6 (Rules §37), laboratory
protocols (§36), information on request (§14) and production-violation notices (§38)."""
