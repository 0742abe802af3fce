"""The append-only, hash-chained audit log: record, verify, export.

Every change to the system of record writes one event with
:func:`record_event` inside the transaction that makes the change;
:func:`verify_chain` finds altered, inserted and deleted events;
:func:`export_events` gives an auditor the events of a region and period.
"""

from terpadu.audit.export import EXPORT_COLUMNS, export_events
from terpadu.audit.log import (
    GENESIS_HASH,
    ActorLike,
    Event,
    canonical_json,
    chain_head,
    common_region,
    event_hash,
    record_event,
    record_events,
)
from terpadu.audit.verify import ChainProblem, ChainReport, verify_chain

__all__ = [
    "EXPORT_COLUMNS",
    "GENESIS_HASH",
    "ActorLike",
    "ChainProblem",
    "ChainReport",
    "Event",
    "canonical_json",
    "chain_head",
    "common_region",
    "event_hash",
    "export_events",
    "record_event",
    "record_events",
    "verify_chain",
]
