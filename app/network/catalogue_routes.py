"""The offer catalogue: logged-in people ask for a filtered PDF or XLSX (built by a worker, offered on their
downloads page); everyone downloads the whole catalogue the worker keeps ready (never built in a request)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.catalogue.models import Specialisation
from app.core.files import send_stored_file
from app.core.translated import pick
from app.core.uow import form_page
from app.downloads.services import ask_for_file
from app.extensions import db
from app.network import bp
from app.network.catalogue import FILTERS, PDF_KIND, XLSX_KIND, Filters, public_copy
from app.network.forms import CatalogueForm

#: The form's field for each filter.
FIELDS = {name: "capability" if name == "process" else name for name in FILTERS}


def _form() -> CatalogueForm:
    # Shown first with the filters in the address (the directory links here with the ones its visitor chose).
    form = CatalogueForm(data={FIELDS[name]: request.args[name] for name in FILTERS if request.args.get(name)})
    specialisations = db.session.scalars(select(Specialisation).order_by(Specialisation.position))
    form.specialisation.choices = [("", _("All specialisations")), *[(s.code, pick(s.title)) for s in specialisations]]
    return form


@bp.get("/directory/catalogue")
def catalogue():
    """The catalogue's page: the whole catalogue for everyone, the filtered one for logged-in people."""
    return render_template("network/catalogue.html", form=_form(), public=public_copy())


@bp.post("/directory/catalogue")
@login_required
def ask_for_catalogue():
    """A filtered catalogue is built by a worker for the person who asks (anonymous visitors have the whole one)."""
    form = _form()
    if form.validate_on_submit():
        filters = Filters(**{name: getattr(form, field).data or None for name, field in FIELDS.items()})
        pdf = form.file_format.data == "pdf"
        row = ask_for_file(current_user, PDF_KIND if pdf else XLSX_KIND, filters.params(),
                           filters.filename("pdf" if pdf else "xlsx"))
        return redirect(url_for("downloads.show", file_id=row.id), 303)
    return form_page("network/catalogue.html", form=form, public=public_copy())


@bp.get("/directory/catalogue.pdf")
def public_catalogue():
    """The whole catalogue (published members; contacts only where the member made them public), as last built;
    a page saying it is being prepared (404) until the worker has built the first one."""
    row = public_copy()
    if row is None:
        return render_template("network/catalogue_missing.html"), 404
    return send_stored_file(row)
