"""Bulletin pages: the list, a post, writing and proposing, coordinators' decisions, issues with their PDF, the
Atom feed."""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.bulletin import bp, images, issue_files, services
from app.bulletin.feed import atom_feed
from app.bulletin.forms import STATUS_LABELS, ImageForm, IssueForm, PostForm, RejectForm
from app.bulletin.models import BulletinIssue, Post, PostImage, PostStatus, Visibility
from app.bulletin.policies import can_edit, can_propose, can_publish, can_read
from app.catalogue.markdown import render_markdown
from app.core.files import send_stored_file
from app.core.forms import ConfirmForm, flash_form_errors
from app.core.i18n import LANGUAGES
from app.core.permissions import Role, deny, load_or_403, load_or_404, role_required
from app.core.translated import pick, viewer_language
from app.core.uow import form_page, refusals, writes
from app.downloads.services import ask_for_file
from app.extensions import db


@bp.context_processor
def labels():
    return {"STATUS_LABELS": STATUS_LABELS}


def _to_post(post_id: int):
    return redirect(url_for("bulletin.post", post_id=post_id), 303)


@bp.get("/")
def index():
    issues = list(db.session.scalars(select(BulletinIssue).order_by(BulletinIssue.number.desc())))
    waiting = services.waiting_posts(current_user) if current_user.is_authenticated else []
    page = db.paginate(services.visible_posts_query(current_user), page=max(1, request.args.get("page", 1, type=int)),
                       per_page=services.POSTS_PER_PAGE, error_out=False)
    return render_template("bulletin/index.html", posts=page.items, page=page,
                           issues=issues, waiting=waiting, can_propose=can_propose(current_user),
                           can_publish=can_publish(current_user))


@bp.get("/<int:post_id>")
def post(post_id: int):
    item = load_or_403(Post, post_id, can_read)
    body = render_markdown(pick(item.body, item.source_language))
    return render_template("bulletin/post.html", post=item, body=body, can_edit=can_edit(current_user, item),
                           can_publish=can_publish(current_user), reject_form=RejectForm(),
                           confirm=ConfirmForm())


def _save_post(form: PostForm, item: Post | None):
    with refusals(form):
        fields = {"title": form.texts("title"), "body": form.texts("body"),
                  "source_language": form.source_language.data, "visibility": Visibility(form.visibility.data)}
        if item is None:
            item = services.write_post(current_user, publish=bool(form.publish.data), **fields)
        else:
            services.edit_post(current_user, item, **fields)
            if form.publish.data:
                services.publish_post(current_user, item)
        if item.status == PostStatus.PUBLISHED:
            flash(_("The post is published."), "success")
        elif item.status == PostStatus.PROPOSED:
            flash(_("Your post has been sent to the coordinators."), "success")
        else:
            flash(_("The post is saved."), "success")
        return _to_post(item.id)
    return None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def write():
    if not can_propose(current_user):
        deny()
    form = PostForm()
    if request.method == "GET":
        form.source_language.data = viewer_language() if viewer_language() in LANGUAGES else LANGUAGES[0]
    if form.validate_on_submit() and (done := _save_post(form, None)):
        return done
    return form_page("bulletin/form.html", form=form, post=None, can_publish=can_publish(current_user))


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    item = load_or_403(Post, post_id, can_edit)
    form = PostForm()
    if request.method == "GET":
        form.fill(item)
    if form.validate_on_submit() and (done := _save_post(form, item)):
        return done
    return form_page("bulletin/form.html", **_form_context(form, item, ImageForm(formdata=None)))


def _form_context(form: PostForm, item: Post, image_form: ImageForm) -> dict:
    return {"form": form, "post": item, "can_publish": can_publish(current_user), "image_form": image_form,
            "confirm": ConfirmForm(formdata=None), "max_images": images.MAX_IMAGES}


# -- pictures ---------------------------------------------------------------------------------------------------
@bp.post("/<int:post_id>/images")
@login_required
def add_image(post_id: int):
    item = load_or_403(Post, post_id, can_edit)
    form = ImageForm()
    if form.validate_on_submit():
        upload = form.file.data
        with refusals(form):
            images.add_image(current_user, item, upload.stream if upload else io.BytesIO(),
                             getattr(upload, "filename", None), form.caption.data or "")
            flash(_("The picture is added."), "success")
            return redirect(url_for("bulletin.edit", post_id=item.id) + "#pictures", 303)
    post_form = PostForm(formdata=None)
    post_form.fill(item)
    return form_page("bulletin/form.html", **_form_context(post_form, item, form))


@bp.post("/<int:post_id>/images/<int:picture_id>/delete")
@login_required
def remove_image(post_id: int, picture_id: int):
    item = load_or_403(Post, post_id, can_edit)
    picture = load_or_404(PostImage, picture_id)
    if picture.post_id != item.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        with refusals():
            images.remove_image(current_user, picture)
            flash(_("The picture is removed."), "success")
    return redirect(url_for("bulletin.edit", post_id=item.id) + "#pictures", 303)


@bp.get("/<int:post_id>/images/<int:picture_id>")
def image(post_id: int, picture_id: int):
    """A post's picture, for whoever may read the post (a hidden post's pictures do not exist for others)."""
    item = load_or_404(Post, post_id)
    picture = load_or_404(PostImage, picture_id)
    if picture.post_id != item.id or not can_read(current_user, item):
        abort(404)
    return send_stored_file(picture, inline=True)


@bp.post("/<int:post_id>/publish")
@role_required(Role.COORDINATOR)
def publish(post_id: int):
    item = load_or_404(Post, post_id)
    if ConfirmForm().validate_on_submit():
        with refusals():
            services.publish_post(current_user, item)
            flash(_("The post is published."), "success")
    return _to_post(item.id)


@bp.post("/<int:post_id>/reject")
@role_required(Role.COORDINATOR)
def reject(post_id: int):
    item = load_or_404(Post, post_id)
    form = RejectForm()
    if form.validate_on_submit():
        with refusals():
            services.reject_post(current_user, item, form.reason.data)
            flash(_("The post is rejected; its author has been told why."), "success")
    else:
        flash_form_errors(form)
    return _to_post(item.id)


@bp.post("/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    item = load_or_403(Post, post_id, can_edit)
    if ConfirmForm().validate_on_submit():
        with refusals():
            services.delete_post(current_user, item)
            flash(_("The post is deleted."), "success")
            return redirect(url_for("bulletin.index"), 303)
    return _to_post(item.id)


@bp.get("/feed.atom")
def feed():
    """Public posts only, whoever asks (a feed reader is anonymous); ``?lang=`` picks the language."""
    language = request.args.get("lang", "")
    language = language if language in LANGUAGES else viewer_language()
    body = atom_feed(services.visible_posts(None, limit=services.FEED_SIZE, public_only=True), language, _("Bulletin"))
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/issues/<int:issue_id>")
def issue(issue_id: int):
    item = load_or_404(BulletinIssue, issue_id)
    return render_template("bulletin/issue.html", issue=item, posts=_issue_posts(item))


def _issue_posts(item: BulletinIssue) -> list[Post]:
    return issue_files.issue_posts(item, public_only=not current_user.is_authenticated)


@bp.get("/issues/<int:issue_id>.pdf")
@writes  # asks a worker for the file
def issue_download(issue_id: int):
    """Logged-in readers: built for them by a worker (every published post, their language), then on their
    downloads page. Visitors: the public copy the worker keeps, or a page saying it is being prepared."""
    item = load_or_404(BulletinIssue, issue_id)
    if current_user.is_authenticated:
        row = ask_for_file(current_user, issue_files.KIND, {"issue": item.id, "language": viewer_language()},
                           issue_files.filename(item))
        return redirect(url_for("downloads.show", file_id=row.id), 303)
    language = viewer_language()
    copy = issue_files.public_copy(item, language)
    if copy is not None:
        return send_stored_file(copy)
    issue_files.ask_for_public_copy(item, language)
    return render_template("bulletin/issue_preparing.html", issue=item), 202


@bp.route("/issues/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_issue():
    form = IssueForm()
    if request.method == "GET":
        form.number.data = (db.session.scalar(select(db.func.max(BulletinIssue.number))) or 0) + 1
    if form.validate_on_submit():
        with refusals(form):
            created = services.publish_issue(current_user, number=form.number.data, title=form.titles(),
                                             period_start=form.period_start.data, period_end=form.period_end.data)
            flash(_("The issue is published; subscribers will be told."), "success")
            return redirect(url_for("bulletin.issue", issue_id=created.id), 303)
    return form_page("bulletin/issue_form.html", form=form)
