"""The national 自治体DX推進計画's priority items, as templates a new plan can start from.

A plan started from one has one level, 重点取組事項 (the national plan's own), whatever the organization's
default levels are: the national items are what a town's 重点取組事項 follow.
"""

from .models import DEFAULT_LEAF_NAME, DEFAULT_LEVEL_NAMES

MIC_2020 = [
    "自治体の情報システムの標準化・共通化",
    "マイナンバーカードの普及促進",
    "行政手続のオンライン化",
    "AI・RPAの利用推進",
    "テレワークの推進",
    "セキュリティ対策の徹底",
]

MIC_2024 = [
    "自治体フロントヤード改革の推進",
    "自治体の情報システムの標準化・共通化",
    "公金収納におけるeLTAXの活用",
    "マイナンバーカードの普及促進・利用の推進",
    "セキュリティ対策の徹底",
    "自治体のAI・RPAの利用推進",
    "テレワークの推進",
]

NATIONAL_KPI = {
    "自治体の情報システムの標準化・共通化": (
        "基幹業務20システムを令和7年度（2025年度）末までに標準準拠システム・ガバメントクラウドへ移行"
    ),
    "マイナンバーカードの普及促進": "令和4年度（2022年度）末までにほぼ全ての国民がマイナンバーカードを取得",
    "行政手続のオンライン化": "令和4年度（2022年度）末までにマイナンバーカードを用いたオンライン手続を全市町村で",
    "公金収納におけるeLTAXの活用": "令和8年（2026年）9月までに地方税以外の公金収納でeL-QRの利用を開始",
    "自治体フロントヤード改革の推進": "令和8年度（2026年度）までに300団体",
}

TEMPLATES = {"mic_2020": MIC_2020, "mic_2024": MIC_2024}


def national_structure(template: str) -> dict:
    """Return the priority items of national template `template` as plan structure data (one level)."""
    return {
        "level_names": list(DEFAULT_LEVEL_NAMES),
        "leaf_name": DEFAULT_LEAF_NAME,
        "items": [
            {"title": title, "description": NATIONAL_KPI.get(title, ""), "measures": []}
            for title in TEMPLATES[template]
        ],
    }
