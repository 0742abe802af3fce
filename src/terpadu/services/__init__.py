"""Social services: SLRT/Puskesos complaints and referrals on a working-day clock.

A complaint changes nothing in the registry by itself: what it finds becomes a proposal
(usulan) through :mod:`terpadu.verval`, and only its approval changes a family.
``services.calendar`` (holiday file, working days) and ``services.complaints`` (the codes
of categories, channels, states and outcomes) are public too. PPKS case management is
``services.cases`` (steps), ``services.case_reads`` (lists, history) and
``services.case_codes`` (PPKS categories, ATENSI services, states).
"""

from terpadu.services.calendar import WorkCalendar, calendar_from
from terpadu.services.complaints import (
    Clock,
    ComplaintError,
    Overdue,
    ServiceLevels,
    answer_referral,
    check_registry,
    close,
    decide,
    overdue,
    propose,
    receive,
    record_visit,
    refer,
)

__all__ = [
    "Clock",
    "ComplaintError",
    "Overdue",
    "ServiceLevels",
    "WorkCalendar",
    "answer_referral",
    "calendar_from",
    "check_registry",
    "close",
    "decide",
    "overdue",
    "propose",
    "receive",
    "record_visit",
    "refer",
]
