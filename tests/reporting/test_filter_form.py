"""The employers' filter is written by a quicker widget: the same HTML as wtforms' own."""

from wtforms.widgets import Select

from app.reporting.forms import ReportFilterForm


def test_the_quick_select_writes_what_wtforms_writes(app):
    with app.test_request_context("/reports/?company=o%3AFirma+%3Cb%3E%26+Co"):
        from flask import request

        form = ReportFilterForm(request.args)
        form.company.choices = [("", "All companies"), ("m1", "Metal-Tech \"Suwałki\""),
                                ("o:Firma <b>& Co", "Firma <b>& Co (not in the directory)"), ("o:", "")]
        quick = str(form.company(class_="wide"))
        assert quick == str(Select()(form.company, class_="wide"))
        assert 'selected value="o:Firma &lt;b&gt;&amp; Co"' in quick and "<b>" not in quick
