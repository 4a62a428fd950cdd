"""Printable forms: blank consent forms, information sheets and guides, and a participant's
copy of the consent they gave, as PDF (reportlab). Imports no Qt."""

from plrdesk.printing.form_pdf import (
    ConsentWordingMissing,
    NoConsentRecorded,
    UnknownParticipant,
    print_form,
)

__all__ = ["ConsentWordingMissing", "NoConsentRecorded", "UnknownParticipant", "print_form"]
