from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberCategoryCode(models.TextChoices):
    """The four kinds of member of Art. 2 of the 運営要領, in the order of its items."""

    METI = "meti", _("経済産業省")
    AGENCY = "agency", _("制度関係機関")
    REGISTERED_CORPORATION = "registered_corporation", _("上乗せ基準告示第4条の登録を受けた法人")
    BODY = "body", _("地方公共団体、経済団体その他の団体")


#: Art. 8: only category (4) joins by notifying the secretariat.
JOINABLE_CATEGORY = MemberCategoryCode.BODY


class MeetingKind(models.TextChoices):
    """Art. 5: a meeting, or the agenda circulated in writing or by email instead (Art. 5(4))."""

    MEETING = "meeting", _("会議")
    WRITTEN = "written", _("書面・電子メールによる回覧")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("準備中")
    CONVENED = "convened", _("招集済み")
    CIRCULATING = "circulating", _("回覧中")
    CONCLUDED = "concluded", _("終了")
    CANCELLED = "cancelled", _("中止")


class ConveneScope(models.TextChoices):
    """Art. 5(2): all members, or only the members concerned (participants)."""

    ALL = "all", _("全構成員")
    PARTICIPANTS = "participants", _("関係する構成員のみ")


class Topic(models.TextChoices):
    """The subjects of Art. 6."""

    ACCEPTANCE_STATUS = "acceptance_status", _("受入れ状況、課題、不正行為等の情報共有(第6条第1号)")
    GOOD_PRACTICE = "good_practice", _("優良事例の共有(第6条第2号)")
    OVER_CONCENTRATION = "over_concentration", _("大都市圏への過度の集中の回避(第6条第3号)")
    INDUSTRY_MEASURES = "industry_measures", _("業種固有の措置(第6条第4号)")
    PROTECTION = "protection", _("その他の保護に必要な措置(第6条第5号)")


class WithheldGround(models.TextChoices):
    """Art. 7(2): harms that publishing the reason for a closed meeting would itself cause."""

    RIGHTS = "rights", _("当事者又は第三者の権利、利益を害するおそれ")
    FOREIGN_RELATIONS = "foreign_relations", _("外国との信頼関係を損なうおそれ")
    FRANK_DISCUSSION = "frank_discussion", _("率直な意見の交換が不当に損なわれるおそれ")
    PUBLIC_INTEREST = "public_interest", _("公益を害するおそれ")


class Attendance(models.TextChoices):
    PENDING = "pending", _("未回答")
    ATTENDING = "attending", _("出席")
    DECLINED = "declined", _("欠席")


class CirculationAnswer(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("了承")
    OPINION = "opinion", _("意見あり")


class RequestKind(models.TextChoices):
    """Art. 3(1): what the council may ask a category-3 member to do with named employers; Art. 3(2):
    make the employers in the chosen industries (JSIC classes) take the measures it agreed."""

    GUIDANCE = "guidance", _("指導")
    REPORT = "report", _("報告の徴収")
    DOCUMENTS = "documents", _("資料の要求")
    HEARING = "hearing", _("意見の聴取")
    INSPECTION = "inspection", _("現地調査")
    MEASURES = "measures", _("合意した措置の実施(第3条第2項)")


class RequestStatus(models.TextChoices):
    SENT = "sent", _("依頼中")
    ANSWERED = "answered", _("回答済み")
    CLOSED = "closed", _("完了")


#: Allowed moves per entity: status → statuses allowed next. Services check against this only.
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "meeting": {
        MeetingStatus.DRAFT: frozenset({MeetingStatus.CONVENED, MeetingStatus.CIRCULATING, MeetingStatus.CANCELLED}),
        MeetingStatus.CONVENED: frozenset({MeetingStatus.CONCLUDED, MeetingStatus.CANCELLED}),
        MeetingStatus.CIRCULATING: frozenset({MeetingStatus.CONCLUDED}),
        MeetingStatus.CONCLUDED: frozenset(),
        MeetingStatus.CANCELLED: frozenset(),
    },
    "corporation_request": {
        RequestStatus.SENT: frozenset({RequestStatus.ANSWERED, RequestStatus.CLOSED}),
        RequestStatus.ANSWERED: frozenset({RequestStatus.CLOSED}),
        RequestStatus.CLOSED: frozenset(),
    },
}


# Regional statistics (Art. 6(3)): the three metropolitan areas as the portal defines them.
class Area(models.TextChoices):
    """The three metropolitan areas of the regional statistics (Art. 6(3)) and the rest."""

    CAPITAL = "capital", _("首都圏")
    CHUKYO = "chukyo", _("中京圏")
    KINKI = "kinki", _("近畿圏")
    OTHER = "other", _("その他の地域")


METROPOLITAN_AREAS: dict[str, tuple[str, ...]] = {
    Area.CAPITAL: ("東京都", "神奈川県", "埼玉県", "千葉県"),
    Area.CHUKYO: ("愛知県", "岐阜県", "三重県"),
    Area.KINKI: ("大阪府", "京都府", "兵庫県", "奈良県"),
}
OTHER_AREA = Area.OTHER

#: Counts below this are not shown on the public statistics page.
SUPPRESSION_THRESHOLD = 10

#: Human-readable names of the history rows the council services write.
ACTION_LABELS = {
    "council.meeting.convened": _("招集"),
    "council.meeting.circulated": _("回覧を開始"),
    "council.meeting.concluded": _("会議を終了"),
    "council.meeting.publicity_decided": _("公開・非公開を決定"),
    "council.invitation.replied": _("出欠の回答"),
    "council.circulation.responded": _("回覧への回答"),
    "council.circulation.closed": _("回覧を締め切り"),
    "council.corporation_request.sent": _("依頼"),
    "council.corporation_request.answered": _("回答"),
    "council.corporation_request.closed": _("結果を記録して完了"),
    "council.violation.recorded": _("違反を記録"),
    "council.industry_class.saved": _("業種(日本標準産業分類)を登録・変更"),
    "council.violation.handed_off": _("制度関係機関に引継ぎ"),
}
