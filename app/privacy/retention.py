"""What MCC keeps, for how long and why (shown on the privacy page; the notice's version covers this table).

EU-funded projects must keep the evidence of eligibility and results available for audit (Regulation (EU)
2021/1060, Art. 82: five years from 31 December of the year of the last payment to the project). Figures below
follow that rule; a programme's own contract may ask for longer.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: (what, how long, why)
RETENTION = [
    (_l("Account: name, e-mail, country, employer, language"),
     _l("while the account is used, then until 5 years after the project's final payment"),
     _l("identifying participants in the funder's checks")),
    (_l("Enrolments, attendance and its history, signed attendance sheets"),
     _l("5 years after the project's final payment"),
     _l("evidence of eligible activities for the funder's audits")),
    (_l("Lesson progress, quiz attempts, completion history, certificates"),
     _l("5 years after the project's final payment"),
     _l("evidence of results; certificates stay verifiable")),
    (_l("Internship placements, logbooks, evaluations and their documents"),
     _l("5 years after the project's final payment"),
     _l("evidence of placements for the funder")),
    (_l("Audit trail (who changed what)"),
     _l("5 years after the project's final payment"),
     _l("accountability for evidence and security")),
    (_l("Failed login attempts in the audit trail"), _l("1 year"), _l("security")),
    (_l("Unfinished uploads"), _l("2 days"), _l("removed automatically (flask storage cleanup-uploads)")),
]
