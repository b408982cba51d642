"""The exchange layer: participants, routing, envelopes, brokers, outbox/inbox, signals."""
