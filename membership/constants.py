"""Statuses, kinds and the one table of allowed moves for the membership lifecycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JoinRequestStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("審査中")
    INFO_REQUESTED = "info_requested", _("追加情報の依頼中")
    APPROVED = "approved", _("入会承認")
    REFUSED = "refused", _("入会拒否")


class OrganizationType(models.TextChoices):
    """Art. 2(4): the kinds of body that may join by a join request."""

    LOCAL_GOVERNMENT = "local_government", _("地方公共団体")
    ECONOMIC = "economic", _("経済団体")
    OTHER = "other", _("その他の団体")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("構成員")
    WITHDRAWN = "withdrawn", _("退会")
    EXPELLED = "expelled", _("除名")


class ChangeNotificationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("確認待ち")
    ACKNOWLEDGED = "acknowledged", _("確認済み")


class WithdrawalNoticeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("確認待ち")
    CONFIRMED = "confirmed", _("退会確定")


class ExpulsionGround(models.TextChoices):
    """Art. 11: the one ground available to each category."""

    NOTICE_ARTICLE_10 = "notice_article_10", _("上乗せ基準告示第10条の規定に該当(第11条第1項)")
    AGAINST_PURPOSE = "against_purpose", _("協議・連絡会の目的に鑑み著しく適当でない行為(第11条第2項)")


#: Every allowed move, per entity: status → statuses allowed next. Services check against this
#: table and nothing else; a move absent from it raises MembershipError.
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "join_request": {
        JoinRequestStatus.DRAFT: frozenset({JoinRequestStatus.SUBMITTED}),
        JoinRequestStatus.SUBMITTED: frozenset(
            {JoinRequestStatus.APPROVED, JoinRequestStatus.REFUSED, JoinRequestStatus.INFO_REQUESTED}
        ),
        JoinRequestStatus.INFO_REQUESTED: frozenset({JoinRequestStatus.SUBMITTED}),
        JoinRequestStatus.APPROVED: frozenset(),
        JoinRequestStatus.REFUSED: frozenset(),
    },
    "member": {
        # Neither withdrawal nor expulsion has a reverse step: a former member joins again
        # through a new join request (category 4) or a new registration (category 3).
        MemberStatus.ACTIVE: frozenset({MemberStatus.WITHDRAWN, MemberStatus.EXPELLED}),
        MemberStatus.WITHDRAWN: frozenset(),
        MemberStatus.EXPELLED: frozenset(),
    },
    "change_notification": {
        ChangeNotificationStatus.SUBMITTED: frozenset({ChangeNotificationStatus.ACKNOWLEDGED}),
        ChangeNotificationStatus.ACKNOWLEDGED: frozenset(),
    },
    "withdrawal_notice": {
        WithdrawalNoticeStatus.SUBMITTED: frozenset({WithdrawalNoticeStatus.CONFIRMED}),
        WithdrawalNoticeStatus.CONFIRMED: frozenset(),
    },
}

#: Join request statuses in which the applicant may still edit it.
EDITABLE_JOIN_REQUEST_STATUSES = frozenset({JoinRequestStatus.DRAFT, JoinRequestStatus.INFO_REQUESTED})

#: What a category-4 member filed on joining and may change by a change notification (Art. 9).
CHANGEABLE_FIELDS = (
    "name",
    "postal_code",
    "address",
    "representative_name",
    "contact_department",
    "contact_name",
    "contact_email",
    "contact_phone",
    "cooperation",
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
    "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
    "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
    "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
    "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
    "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
    "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip
PREFECTURE_CHOICES = [(name, name) for name in PREFECTURES]

#: Human-readable names of the history rows the services write.
ACTION_LABELS = {
    "membership.join_request.created": _("下書きを作成"),
    "membership.join_request.updated": _("内容を更新"),
    "membership.join_request.submitted": _("提出"),
    "membership.join_request.info_requested": _("追加情報を依頼"),
    "membership.join_request.approved": _("入会を承認"),
    "membership.join_request.refused": _("入会を拒否"),
    "membership.member.admitted": _("入会"),
    "membership.member.registered": _("第3号構成員として登録"),
    "membership.member.change_notified": _("変更の届出"),
    "membership.member.changed": _("届出事項の変更を反映"),
    "membership.member.user_assigned": _("届出を行う利用者を設定"),
    "membership.member.withdrawn": _("退会"),
    "membership.member.expelled": _("除名"),
    "membership.change_notification.submitted": _("変更の届出"),
    "membership.change_notification.acknowledged": _("変更の届出を確認"),
    "membership.withdrawal_notice.submitted": _("退会の届出"),
    "membership.withdrawal_notice.confirmed": _("退会を確定"),
}
