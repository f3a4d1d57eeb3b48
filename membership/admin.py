"""The secretariat's review of join requests and members.

Everything here is read-only except through actions, and every action calls a service: the admin
holds no business rule of its own. Decisions that need a reason or a date go through an
intermediate confirmation page; a selected row whose status does not allow the move is left
untouched and reported by name.
"""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_secretariat

from . import selectors, services
from .constants import ACTION_LABELS, TRANSITIONS, JoinRequestStatus, MemberStatus
from .forms import (
    AcknowledgeChangesForm,
    ApproveJoinRequestsForm,
    AssignMemberUserForm,
    ExpelMembersForm,
    RefuseJoinRequestsForm,
    RegisterCorporationForm,
    RequestInformationForm,
    WithdrawMembersForm,
)
from .models import ChangeNotification, JoinRequest, JoinRequestAttachment, Member, WithdrawalNotice
from .services import BODY_DETAILS_FIELDS, EXPULSION_GROUNDS, MembershipError


def _history_table(obj: Model) -> str:
    rows = selectors.history_list(obj)
    if not obj.pk or not rows:
        return _("履歴はありません。")
    labels = dict(type(obj)._meta.get_field("status").choices)
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                date_format(timezone.localtime(row.created_at), _("Y年n月j日 H:i")),
                ACTION_LABELS.get(row.action, row.action),
                row.actor or "—",
                _transition_text(row.data, labels),
                row.data.get("grounds") or "",
            )
            for row in rows
        ),
    )
    return format_html(
        '<table class="membership-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
        "</tr></thead><tbody>{}</tbody></table>",
        _("日時"),
        _("操作"),
        _("実行者"),
        _("状態"),
        _("理由・根拠"),
        body,
    )


def _transition_text(data: dict, labels: dict) -> str:
    """``審査中 → 入会拒否`` for a status change; empty for rows that change no status."""
    if "from" in data and "to" in data and not isinstance(data["to"], dict):
        before, after = data["from"], data["to"]
        return f"{labels.get(before, before) or '—'} → {labels.get(after, after)}"
    return ""


# --- What the pages share ----------------------------------------------------------------------------


def details_fieldset(*before: str, after: tuple[str, ...] = ("cooperation",)) -> tuple:
    """The 届出事項 section: ``before`` the body's details, then ``after`` them."""
    return (gettext_lazy("届出事項"), {"fields": [*before, *BODY_DETAILS_FIELDS, *after]})


#: The last section of every decision page: the history table.
HISTORY_FIELDSET = (gettext_lazy("履歴"), {"fields": ["history"]})


class ViewOnly:
    """Nothing is added, changed or deleted through the admin's forms."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyInline(ViewOnly, admin.TabularInline):
    """A table of related rows, every column read-only."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return list(self.fields)


class SecretariatDecisionMixin(ViewOnly):
    """View-only admin pages whose only writes are service calls from actions.

    Every field the page shows (its ``fieldsets``, or else its ``fields``) is read-only.
    """

    def get_readonly_fields(self, request, obj=None):
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        return list(self.fields or ())

    def decision_page(self, request: HttpRequest, *, title: str, form, objects: list, skipped_messages: list[str]):
        """The intermediate confirmation page of a decision on the selected ``objects``."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "objects": objects,
            "skipped_messages": skipped_messages,
            "action": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/membership/decision_confirmation.html", context)

    def has_decide_permission(self, request) -> bool:
        return is_secretariat(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Offer the decisions allowed for this row as buttons that lead to the same confirmation pages."""
        obj = self.get_object(request, object_id)
        decisions = []
        if obj is not None and self.has_decide_permission(request):
            decisions = [
                (name, description)
                for name, (_func, _name, description) in self.get_actions(request).items()
                if self.decision_allowed(obj, name)
            ]
        extra_context = {**(extra_context or {}), "decision_actions": decisions}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    #: action name → (entity in the transition table, target status)
    decision_targets: dict = {}

    def decision_allowed(self, obj, action: str) -> bool:
        entity, target = self.decision_targets.get(action, (None, None))
        return entity is not None and target in TRANSITIONS[entity][obj.status]

    @admin.display(description=gettext_lazy("履歴"))
    def history(self, obj):
        return _history_table(obj)

    def run_decision(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        entity: str,
        target: str,
        form_class,
        title: str,
        apply,
        form_kwargs=None,
        status_of=lambda obj: obj,
    ) -> HttpResponse | None:
        """Show the confirmation page with ``form_class``; on its POST, call ``apply(obj, form)`` per row.

        Rows whose status does not allow ``target`` (per the transition table) are not touched and
        are reported with a Japanese message.
        """
        if not self.has_decide_permission(request):
            raise PermissionDenied
        objects = list(queryset)
        eligible = [obj for obj in objects if target in TRANSITIONS[entity][status_of(obj).status]]
        skipped = [obj for obj in objects if obj not in eligible]
        skipped_messages = [
            _("「%(name)s」は「%(status)s」のため、この操作の対象外です。")
            % {"name": obj, "status": status_of(obj).get_status_display()}
            for obj in skipped
        ]
        form_kwargs = (form_kwargs or (lambda eligible: {}))(eligible)
        if not eligible:
            for message in skipped_messages:
                self.message_user(request, message, messages.ERROR)
            return None
        if request.POST.get("apply"):
            form = form_class(request.POST, **form_kwargs)
            if form.is_valid():
                done = 0
                for obj in eligible:
                    try:
                        apply(obj, form)
                    except MembershipError as exc:
                        self.message_user(request, f"{obj}: {exc}", messages.ERROR)
                    else:
                        done += 1
                for message in skipped_messages:
                    self.message_user(request, message, messages.WARNING)
                if done:
                    self.message_user(
                        request,
                        _("%(count)d件について「%(title)s」を行いました。") % {"count": done, "title": title},
                        messages.SUCCESS,
                    )
                return None
        else:
            form = form_class(**form_kwargs)
        return self.decision_page(request, title=title, form=form, objects=eligible, skipped_messages=skipped_messages)


class AgeListFilter(admin.SimpleListFilter):
    title = gettext_lazy("提出からの日数")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("7", _("7日以内")),
            ("30", _("8日〜30日")),
            ("older", _("31日以上")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "7":
            return queryset.filter(submitted_at__gte=now - datetime.timedelta(days=7))
        if self.value() == "30":
            return queryset.filter(
                submitted_at__lt=now - datetime.timedelta(days=7), submitted_at__gte=now - datetime.timedelta(days=30)
            )
        if self.value() == "older":
            return queryset.filter(submitted_at__lt=now - datetime.timedelta(days=30))
        return queryset


class JoinRequestAttachmentInline(ViewOnlyInline):
    model = JoinRequestAttachment
    fields = ["download", "size", "uploaded_at"]

    @admin.display(description=gettext_lazy("ファイル"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("membership:attachment_download", args=[obj.pk]), obj.original_name
        )


@admin.register(JoinRequest)
class JoinRequestAdmin(SecretariatDecisionMixin, admin.ModelAdmin):
    list_display = ["name", "organization_type", "status", "submitted_at", "days_waiting", "applicant"]
    list_filter = ["status", "organization_type", AgeListFilter]
    search_fields = ["name", "contact_name", "contact_email", "applicant__email"]
    ordering = ["-submitted_at", "-pk"]
    actions = ["approve_selected", "request_information_selected", "refuse_selected"]
    decision_targets = {
        "approve_selected": ("join_request", JoinRequestStatus.APPROVED),
        "request_information_selected": ("join_request", JoinRequestStatus.INFO_REQUESTED),
        "refuse_selected": ("join_request", JoinRequestStatus.REFUSED),
    }
    inlines = [JoinRequestAttachmentInline]
    fieldsets = [
        (
            gettext_lazy("審査"),
            {
                "fields": [
                    "status",
                    "submitted_at",
                    "info_request_message",
                    "applicant_answer",
                    "refusal_reason",
                    "decided_at",
                    "decided_by",
                    "member_link",
                ]
            },
        ),
        details_fieldset("applicant", after=("agrees_with_purpose", "cooperation")),
        HISTORY_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("applicant", "municipality")

    @admin.display(description=gettext_lazy("経過日数"))
    def days_waiting(self, obj):
        if obj.status not in (JoinRequestStatus.SUBMITTED,) or not obj.submitted_at:
            return "—"
        return _("%(days)d日") % {"days": (timezone.now() - obj.submitted_at).days}

    @admin.display(description=gettext_lazy("構成員"))
    def member_link(self, obj):
        member = Member.objects.filter(join_request=obj).first()
        if member is None:
            return "—"
        return format_html(
            '<a href="{}">{} ({})</a>',
            reverse("admin:membership_member_change", args=[member.pk]),
            member.name,
            member.membership_number,
        )

    @admin.action(description=gettext_lazy("入会を承認する(構成員番号・入会日)"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        return self.run_decision(
            request,
            queryset,
            entity="join_request",
            target=JoinRequestStatus.APPROVED,
            form_class=ApproveJoinRequestsForm,
            title=_("入会の承認"),
            form_kwargs=lambda eligible: {
                "join_requests": eligible,
                "suggested_numbers": selectors.suggest_membership_numbers(len(eligible)),
            },
            apply=lambda join_request, form: services.approve_join_request(
                join_request,
                membership_number=form.cleaned_data[f"number_{join_request.pk}"],
                joined_on=form.cleaned_data["joined_on"],
                acting_user=request.user,
            ),
        )

    @admin.action(description=gettext_lazy("追加情報を依頼する(届出者へ差し戻し)"), permissions=["decide"])
    def request_information_selected(self, request, queryset):
        return self.run_decision(
            request,
            queryset,
            entity="join_request",
            target=JoinRequestStatus.INFO_REQUESTED,
            form_class=RequestInformationForm,
            title=_("追加情報の依頼"),
            apply=lambda join_request, form: services.request_more_information(
                join_request, message=form.cleaned_data["message"], acting_user=request.user
            ),
        )

    @admin.action(description=gettext_lazy("入会を拒否する(第8条第2項、理由必須)"), permissions=["decide"])
    def refuse_selected(self, request, queryset):
        return self.run_decision(
            request,
            queryset,
            entity="join_request",
            target=JoinRequestStatus.REFUSED,
            form_class=RefuseJoinRequestsForm,
            title=_("入会の拒否"),
            apply=lambda join_request, form: services.refuse_join_request(
                join_request, reason=form.cleaned_data["reason"], acting_user=request.user
            ),
        )


class ChangeNotificationInline(ViewOnlyInline):
    model = ChangeNotification
    fields = ["link", "status", "effective_on", "created_at", "applied_at"]

    @admin.display(description=gettext_lazy("変更の届出"))
    def link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:membership_changenotification_change", args=[obj.pk]),
            ", ".join(str(Member._meta.get_field(name).verbose_name) for name in obj.changes),
        )


class WithdrawalNoticeInline(ViewOnlyInline):
    model = WithdrawalNotice
    fields = ["status", "reason", "requested_on", "effective_on", "created_at"]


@admin.register(Member)
class MemberAdmin(SecretariatDecisionMixin, admin.ModelAdmin):
    list_display = ["name", "category", "status", "membership_number", "registration_number", "joined_on", "left_on"]
    list_filter = ["category", "status", "organization_type"]
    search_fields = ["name", "membership_number", "registration_number"]
    actions = ["withdraw_selected", "expel_selected", "assign_user_selected"]
    decision_targets = {
        "withdraw_selected": ("member", MemberStatus.WITHDRAWN),
        "expel_selected": ("member", MemberStatus.EXPELLED),
    }

    def decision_allowed(self, obj, action: str) -> bool:
        if action == "assign_user_selected":
            return obj.status == MemberStatus.ACTIVE
        if action == "expel_selected" and obj.category.code not in EXPULSION_GROUNDS:
            return False
        return super().decision_allowed(obj, action)

    @admin.action(description=gettext_lazy("届出を行う利用者を設定する"), permissions=["decide"])
    def assign_user_selected(self, request, queryset):
        if not self.has_decide_permission(request):
            raise PermissionDenied
        members = list(queryset.filter(status=MemberStatus.ACTIVE))
        skipped = [
            _("「%(name)s」は「%(status)s」のため、この操作の対象外です。")
            % {"name": member, "status": member.get_status_display()}
            for member in queryset.exclude(status=MemberStatus.ACTIVE)
        ]
        if not members:
            for message in skipped:
                self.message_user(request, message, messages.ERROR)
            return None
        form = AssignMemberUserForm(request.POST if request.POST.get("apply") else None)
        if form.is_bound and form.is_valid():
            for member in members:
                try:
                    services.assign_member_user(member, user=form.user, acting_user=request.user)
                except MembershipError as exc:
                    self.message_user(request, f"{member}: {exc}", messages.ERROR)
            for message in skipped:
                self.message_user(request, message, messages.WARNING)
            self.message_user(
                request,
                _("%(email)s を届出を行う利用者に設定しました。") % {"email": form.cleaned_data["email"]},
                messages.SUCCESS,
            )
            return None
        return self.decision_page(
            request, title=_("届出を行う利用者の設定"), form=form, objects=members, skipped_messages=skipped
        )

    inlines = [ChangeNotificationInline, WithdrawalNoticeInline]
    change_list_template = "admin/membership/member/change_list.html"
    fieldsets = [
        (
            gettext_lazy("構成員"),
            {
                "fields": [
                    "category",
                    "status",
                    "membership_number",
                    "registration_number",
                    "registered_on",
                    "joined_on",
                    "left_on",
                    "expulsion_ground",
                    "expulsion_reason",
                    "user",
                    "join_request",
                ]
            },
        ),
        details_fieldset(),
        HISTORY_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    def get_urls(self):
        return [
            path(
                "register-corporation/",
                self.admin_site.admin_view(self.register_corporation_view),
                name="membership_member_register_corporation",
            ),
            *super().get_urls(),
        ]

    def register_corporation_view(self, request: HttpRequest) -> HttpResponse:
        """Record a category-3 member: a corporation registered under Art. 4 of the 告示."""
        if not self.has_decide_permission(request):
            raise PermissionDenied
        form = RegisterCorporationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = {key: value for key, value in form.cleaned_data.items() if key in RegisterCorporationForm.FIELDS}
            try:
                member = services.register_corporation(acting_user=request.user, **data)
            except MembershipError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("「%(name)s」を第3号構成員として登録しました。") % {"name": member.name},
                    messages.SUCCESS,
                )
                return redirect("admin:membership_member_change", member.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("第3号構成員(登録法人)の登録"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/membership/member/register_corporation.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_decide": self.has_decide_permission(request)}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description=gettext_lazy("退会を確定する(退会日)"), permissions=["decide"])
    def withdraw_selected(self, request, queryset):
        return self.run_decision(
            request,
            queryset,
            entity="member",
            target=MemberStatus.WITHDRAWN,
            form_class=WithdrawMembersForm,
            title=_("退会の確定"),
            apply=lambda member, form: services.withdraw_membership(
                member, effective_on=form.cleaned_data["effective_on"], acting_user=request.user
            ),
        )

    @admin.action(description=gettext_lazy("除名する(第11条、理由・決定日)"), permissions=["decide"])
    def expel_selected(self, request, queryset):
        queryset = queryset.select_related("category")
        not_expellable = [member for member in queryset if member.category.code not in EXPULSION_GROUNDS]
        for member in not_expellable:
            self.message_user(
                request,
                _("「%(name)s」は第2条第1号・第2号の構成員のため、除名できません(第11条)。") % {"name": member.name},
                messages.ERROR,
            )
        return self.run_decision(
            request,
            queryset.exclude(pk__in=[member.pk for member in not_expellable]),
            entity="member",
            target=MemberStatus.EXPELLED,
            form_class=ExpelMembersForm,
            title=_("除名"),
            apply=lambda member, form: services.expel_member(
                member,
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
                acting_user=request.user,
            ),
        )


@admin.register(ChangeNotification)
class ChangeNotificationAdmin(SecretariatDecisionMixin, admin.ModelAdmin):
    list_display = ["member", "status", "effective_on", "created_at", "applied_at"]
    list_filter = ["status"]
    search_fields = ["member__name"]
    actions = ["acknowledge_selected"]
    decision_targets = {"acknowledge_selected": ("change_notification", "acknowledged")}
    fields = ["member", "status", "diff", "effective_on", "note", "filed_by", "created_at", "acknowledged_by",
              "acknowledged_at", "applied_at", "history"]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "filed_by")

    @admin.display(description=gettext_lazy("変更内容"))
    def diff(self, obj):
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td><del>{}</del></td><td><ins>{}</ins></td></tr>",
            (
                (Member._meta.get_field(name).verbose_name, obj.previous.get(name) or "—", value or "—")
                for name, value in obj.changes.items()
            ),
        )
        return format_html(
            '<table class="membership-diff"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("項目"),
            _("変更前"),
            _("変更後"),
            rows,
        )

    @admin.action(description=gettext_lazy("変更の届出を確認する"), permissions=["decide"])
    def acknowledge_selected(self, request, queryset):
        return self.run_decision(
            request,
            queryset,
            entity="change_notification",
            target="acknowledged",
            form_class=AcknowledgeChangesForm,
            title=_("変更の届出の確認"),
            apply=lambda notification, form: services.acknowledge_change_notification(
                notification, effective_on=form.cleaned_data["effective_on"], acting_user=request.user
            ),
        )


@admin.register(WithdrawalNotice)
class WithdrawalNoticeAdmin(SecretariatDecisionMixin, admin.ModelAdmin):
    list_display = ["member", "status", "requested_on", "effective_on", "created_at"]
    list_filter = ["status"]
    search_fields = ["member__name"]
    actions = ["confirm_selected"]
    decision_targets = {"confirm_selected": ("withdrawal_notice", "confirmed")}
    fields = ["member", "status", "reason", "requested_on", "effective_on", "filed_by", "created_at",
              "confirmed_by", "confirmed_at", "history"]  # fmt: skip

    @admin.action(description=gettext_lazy("退会を確定する(退会日)"), permissions=["decide"])
    def confirm_selected(self, request, queryset):
        return self.run_decision(
            request,
            queryset.select_related("member"),
            entity="withdrawal_notice",
            target="confirmed",
            form_class=WithdrawMembersForm,
            title=_("退会の確定"),
            apply=lambda notice, form: services.withdraw_membership(
                notice.member, notice=notice, effective_on=form.cleaned_data["effective_on"], acting_user=request.user
            ),
        )
