"""Pages of the duplicate finder and the entry-time warning fragment (thin: reads in
selectors, writes in services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.models import AuditEntry
from apps.linkage import selectors, services
from apps.linkage.batch import find_duplicates
from apps.people.validation import split_list

# Enough for any real name or list of numbers; longer input is cut, not refused
# (the warning is advice while typing; the form itself validates).
_MAX_TEXT = 200
_MAX_NUMBERS = 5


def typed_person(data) -> dict:
    """The values of a person form, or of a call intake (caller_name, caller_phone), as
    possible_duplicates reads them."""

    def text(name):
        return (data.get(name) or "")[:_MAX_TEXT]

    if "caller_name" in data or "caller_phone" in data:
        return {
            "family_name": text("caller_name"),
            "phones": split_list(text("caller_phone"))[:_MAX_NUMBERS],
        }
    return {
        "family_name": text("family_name"),
        "given_name": text("given_name"),
        "patronymic": text("patronymic"),
        "other_names": [n for n in text("other_names").splitlines() if n.strip()][:5],
        "birth_date": text("birth_date"),
        "phones": split_list(text("phones"))[:_MAX_NUMBERS],
        "document_numbers": split_list(text("document_numbers"))[:_MAX_NUMBERS],
    }


@login_required
@require_POST
def entry_check(request):
    """The possible existing matches of the person being typed (an htmx fragment). A
    look at candidates is a look at people: the ids shown are audited, never the input."""
    m = member_with(request, Permission.EDIT_PEOPLE)
    exclude = request.POST.get("exclude", "")
    candidates = selectors.possible_duplicates(
        m, typed_person(request.POST), exclude_id=int(exclude) if exclude.isdigit() else None
    )
    if candidates:
        audit.shown(
            m,
            [c.person for c in candidates],
            target_type="person",
            action=AuditEntry.Action.SEARCH,
            detail={"by": "duplicate_check", "results": len(candidates)},
            request=request,
        )
    return render(request, "linkage/_entry_warnings.html", {"candidates": candidates})


def _merger(request):
    return member_with(request, Permission.MERGE_PEOPLE)


@login_required
def review_queue(request):
    """Pairs to review, blind to the score; the recent decisions and merges below."""
    m = _merger(request)
    pairs = list(selectors.pairs_to_review(m)[:100])
    decided = list(selectors.decided_pairs(m)[:20])
    merges = list(selectors.merges_of(m)[:20])
    shown = {p for pair in pairs + decided for p in (pair.person_l_id, pair.person_r_id)}
    shown |= {x for merge in merges for x in (merge.survivor_id, merge.merged_id)}
    audit.shown(m, sorted(shown), target_type="person", request=request)
    return render(
        request,
        "linkage/queue.html",
        {"pairs": pairs, "decided": decided, "merges": merges},
    )


@login_required
@require_POST
def run_finder(request):
    """Run the batch duplicate finder now: over everyone, or over the people registered
    since the last run (scope=new)."""
    m = _merger(request)
    result = find_duplicates(m, incremental=request.POST.get("scope") == "new", request=request)
    messages.success(
        request,
        _("%(people)d people compared: %(pairs)d possible duplicates, %(new)d new.") % result,
    )
    return redirect("linkage_queue")


@login_required
def pair_review(request, pair_id):
    """One pair side by side, without the probability until decided or asked for."""
    m = _merger(request)
    pair = selectors.pair_for(m, pair_id)
    if request.method == "POST":
        return _decide(request, m, pair)
    reveal = request.GET.get("score") == "1"
    if reveal:
        services.reveal_score(m, pair, request=request)
    audit.shown(m, [pair.person_l, pair.person_r], target_type="person", request=request)
    return render(
        request,
        "linkage/pair.html",
        {
            "pair": pair,
            "show_score": reveal or pair.score_revealed or pair.status != pair.Status.OPEN,
            "left": pair.person_l,
            "right": pair.person_r,
        },
    )


def _decide(request, m, pair):
    decision = request.POST.get("decision", "")
    try:
        if decision == "not_same":
            services.decide_not_same(m, pair, request=request)
            messages.success(request, _("Remembered: not the same person."))
        elif decision in ("keep_left", "keep_right"):
            survivor, merged = (pair.person_l, pair.person_r)
            if decision == "keep_right":
                survivor, merged = merged, survivor
            merge = services.merge_people(
                m, survivor=survivor, merged=merged, pair=pair, request=request
            )
            messages.success(
                request,
                _("%(merged)s merged into %(survivor)s (%(ref)s); it can be undone below.")
                % {"merged": merged.code, "survivor": survivor.code, "ref": merge.reference},
            )
        else:
            messages.error(request, _("Choose a decision."))
            return redirect("linkage_pair", pair_id=pair.pk)
    except services.MergeRefused as exc:
        messages.error(request, str(exc))
        return redirect("linkage_pair", pair_id=pair.pk)
    except services.NotAllowed:
        raise PermissionDenied
    return redirect("linkage_queue")


@login_required
@require_POST
def merge_undo(request, merge_id):
    m = _merger(request)
    merge = selectors.merge_for(m, merge_id)
    try:
        services.undo_merge(m, merge, request=request)
        messages.success(request, _("Merge %(ref)s undone.") % {"ref": merge.reference})
    except services.MergeRefused as exc:
        messages.error(request, str(exc))
    return redirect("linkage_queue")
