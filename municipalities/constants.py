"""Choices and fixed tables of the municipalities app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MunicipalityKind(models.TextChoices):
    CITY = "city", _("市")
    DESIGNATED_CITY = "designated_city", _("政令指定都市")
    SPECIAL_WARD = "special_ward", _("特別区")
    TOWN = "town", _("町")
    VILLAGE = "village", _("村")
    WARD = "ward", _("行政区")


#: Kinds that receive a 協力確認書 themselves (a designated city's ward does not: its city does).
FILING_KINDS = (
    MunicipalityKind.CITY,
    MunicipalityKind.DESIGNATED_CITY,
    MunicipalityKind.SPECIAL_WARD,
    MunicipalityKind.TOWN,
    MunicipalityKind.VILLAGE,
)


class AcceptanceChannel(models.TextChoices):
    """How a municipality accepts a 協力確認書. The values are the API's submission methods."""

    PORTAL = "portal", _("ポータル(電子提出)")
    EMAIL = "email", _("電子メール")
    POST = "post", _("郵送")
    ONLINE_FORM = "online_form", _("オンラインフォーム")
    COUNTER = "counter", _("窓口")
    FAX = "fax", _("FAX")


#: The 20 designated cities (政令指定都市): 5-digit code, prefecture, name, reading.
#: Japan Post's data has postal codes only for their wards, so the cities' own codes come from here.
DESIGNATED_CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("01100", "北海道", "札幌市", "サッポロシ"),
    ("04100", "宮城県", "仙台市", "センダイシ"),
    ("11100", "埼玉県", "さいたま市", "サイタマシ"),
    ("12100", "千葉県", "千葉市", "チバシ"),
    ("14100", "神奈川県", "横浜市", "ヨコハマシ"),
    ("14130", "神奈川県", "川崎市", "カワサキシ"),
    ("14150", "神奈川県", "相模原市", "サガミハラシ"),
    ("15100", "新潟県", "新潟市", "ニイガタシ"),
    ("22100", "静岡県", "静岡市", "シズオカシ"),
    ("22130", "静岡県", "浜松市", "ハママツシ"),
    ("23100", "愛知県", "名古屋市", "ナゴヤシ"),
    ("26100", "京都府", "京都市", "キョウトシ"),
    ("27100", "大阪府", "大阪市", "オオサカシ"),
    ("27140", "大阪府", "堺市", "サカイシ"),
    ("28100", "兵庫県", "神戸市", "コウベシ"),
    ("33100", "岡山県", "岡山市", "オカヤマシ"),
    ("34100", "広島県", "広島市", "ヒロシマシ"),
    ("40100", "福岡県", "北九州市", "キタキュウシュウシ"),
    ("40130", "福岡県", "福岡市", "フクオカシ"),
    ("43100", "熊本県", "熊本市", "クマモトシ"),
)

#: Tokyo's island towns and villages carry the island's name in Japan Post's data (三宅島三宅村);
#: the municipality's own name has no such prefix. Name prefix and its reading.
ISLAND_PREFIXES: tuple[tuple[str, str], ...] = (("三宅島", "ミヤケジマ"), ("八丈島", "ハチジョウジマ"))

#: Municipalities whose page on the 協力確認書 the seed lists (prefecture, name, page title).
#: Only names and titles are kept: the addresses of the pages are entered by each municipality.
GUIDANCE_PUBLISHERS: tuple[tuple[str, str, str], ...] = (
    ("東京都", "立川市", "特定技能所属機関による協力確認書の提出等について"),
    ("東京都", "多摩市", "特定技能 所属機関における協力確認書について"),
    ("東京都", "調布市", "特定技能機関による協力確認書の提出"),
    ("東京都", "稲城市", "特定技能所属機関における協力確認書について"),
    ("東京都", "町田市", "特定技能制度における地域の共生施策に関する連携"),
    ("東京都", "小平市", "特定技能所属機関の皆様へ「協力確認書」の提出について"),
    ("東京都", "東久留米市", "特定技能所属機関の皆さんへ(「協力確認書」の提出方法について)"),
    ("東京都", "練馬区", "特定技能所属機関による「協力確認書」の提出について"),
    ("東京都", "板橋区", "特定技能所属機関による「協力確認書」の提出について"),
    ("東京都", "豊島区", "特定技能所属機関が提出する「協力確認書」について"),
    ("東京都", "足立区", "特定技能所属機関による協力確認書の提出等について"),
    ("東京都", "大田区", "特定技能制度における地域の共生施策に関する連携について"),
    ("東京都", "葛飾区", "特定技能所属機関による協力確認書の提出等について"),
    ("東京都", "江戸川区", "特定技能所属機関による協力確認書の提出"),
    ("東京都", "墨田区", "特定技能所属機関による協力確認書の提出等について"),
    ("神奈川県", "横浜市", "特定技能所属機関が地方公共団体に提出する「協力確認書」の提出について"),
    ("神奈川県", "川崎市", "特定技能所属機関による協力確認書の提出等について"),
    ("神奈川県", "大和市", "特定技能所属機関による協力確認書の提出等について"),
    ("千葉県", "千葉市", "特定技能所属機関の皆様へ「協力確認書」をご提出ください"),
    ("千葉県", "船橋市", "特定技能所属機関による協力確認書の提出等について"),
    ("埼玉県", "さいたま市", "特定技能制度における地域の共生施策に関する連携について"),
)

#: The 47 prefectures in the order of their JIS codes (01 北海道 … 47 沖縄県).
PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip

#: How long an invitation link for municipality staff stays valid.
STAFF_INVITATION_DAYS = 7
