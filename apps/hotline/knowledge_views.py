"""Prepared answers: the library, the search beside the intake form, and editing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core.selectors import reference_choices, reference_labels
from apps.hotline import knowledge
from apps.hotline.selectors import answers_visible_to
from apps.people.services import NotAllowed


class AnswerForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("Topic"))
    country = forms.ChoiceField(label=gettext_lazy("Destination country"), required=False)
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), max_length=200, required=False
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text (English)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    title_ru = forms.CharField(
        label=gettext_lazy("Title (Russian)"), max_length=200, required=False
    )
    body_ru = forms.CharField(
        label=gettext_lazy("Text (Russian)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    title_ky = forms.CharField(label=gettext_lazy("Title (Kyrgyz)"), max_length=200, required=False)
    body_ky = forms.CharField(
        label=gettext_lazy("Text (Kyrgyz)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "—")] + reference_choices("call_topic")
        self.fields["country"].choices = [("", _("any country"))] + reference_choices("country")

    @staticmethod
    def initial_from(answer) -> dict:
        return {k: getattr(answer, k) for k in knowledge.ANSWER_FIELDS}

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                knowledge.check_answer(data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


def _rows(answers, lang):
    return [
        {"answer": a, "title": a.title_in(lang), "body": a.body_in(lang), "network": a.organization_id is None}
        for a in answers
    ]  # fmt: skip


@login_required
def answer_list(request):
    m = member_with(request, Permission.HANDLE_CALLS)
    filters = {
        "topic": request.GET.get("topic", "").strip(),
        "country": request.GET.get("country", "").strip().upper()[:2],
        "q": request.GET.get("q", "").strip()[:200],
    }
    lang = knowledge.user_language()
    if filters["q"]:
        answers = knowledge.search_answers(
            m,
            filters["q"],
            limit=500,
            lang=lang,
            topic=filters["topic"],
            country=filters["country"],
        )
    else:
        answers = answers_visible_to(m, topic=filters["topic"], country=filters["country"])
    page = Paginator(answers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/answer_list.html",
        {
            "page": page,
            "rows": _rows(page.object_list, lang),
            "filters": filters,
            "topics": reference_choices("call_topic"),
            "countries": reference_choices("country"),
            "topic_labels": reference_labels("call_topic"),
            "country_labels": reference_labels("country"),
            "can_edit": m.can(Permission.EDIT_KNOWLEDGE),
            "organization_id": m.organization_id,
        },
    )


@login_required
def answer_search(request):
    """The few best answers for the intake aside (an htmx fragment)."""
    m = member_with(request, Permission.HANDLE_CALLS)
    query = request.GET.get("q", "").strip()[:200]
    lang = knowledge.user_language()
    answers = knowledge.search_answers(m, query, limit=5, lang=lang) if query else []
    return render(
        request,
        "hotline/_answer_results.html",
        {
            "query": query,
            "rows": _rows(answers, lang),
            "topic_labels": reference_labels("call_topic"),
            "country_labels": reference_labels("country"),
        },
    )


def _answer_form(request, m, answer=None):
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            data = {k: form.cleaned_data.get(k, "") for k in knowledge.ANSWER_FIELDS}
            try:
                if answer is None:
                    answer = knowledge.create_answer(membership=m, data=data, request=request)
                    messages.success(request, _("Answer added."))
                else:
                    knowledge.update_answer(membership=m, answer=answer, data=data, request=request)
                    messages.success(request, _("Changes saved."))
            except NotAllowed:
                raise PermissionDenied
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("answer_list")
        status = 400
    else:
        form = AnswerForm(initial=AnswerForm.initial_from(answer) if answer else None)
        status = 200
    return render(
        request, "hotline/answer_form.html", {"form": form, "answer": answer}, status=status
    )


@login_required
def answer_new(request):
    m = member_with(request, Permission.EDIT_KNOWLEDGE)
    return _answer_form(request, m)


@login_required
def answer_edit(request, answer_id):
    m = member_with(request, Permission.EDIT_KNOWLEDGE)
    try:
        answer = knowledge.answer_for_edit(m, answer_id)
    except NotAllowed:
        raise PermissionDenied
    return _answer_form(request, m, answer)
