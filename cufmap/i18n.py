"""Interface texts of the map document (French first, English second)."""

TEXTS = {
    "fr": {
        "timeline": "Les étapes du relais", "undated": "Date à venir", "with": "avec",
        "card": "Fiche de l'étape", "close": "Fermer la fiche",
        "partners": "Partenaires à l'étranger", "more": "En savoir plus",
        "past": "Étape passée", "ongoing": "En cours", "upcoming": "À venir",
        "partnership": "Lien de coopération", "strip": "Étapes du relais",
        "previous": "Étape précédente", "next": "Étape suivante", "play": "▶ Lecture auto",
        "pause": "⏸ Pause", "delay": "Délai entre deux étapes", "overview": "Vue d'ensemble",
        "empty": "Aucune étape ne correspond à la sélection.",
        "title": "Carte du Relais de la Coop Déc' — Cités Unies France",
        "map": "Carte des étapes du relais",
        "s_passee": "passée", "s_en-cours": "en cours", "s_a-venir": "à venir",
    },
    "en": {
        "timeline": "Stages of the relay", "undated": "Date to be announced", "with": "with",
        "card": "Stage details", "close": "Close", "partners": "Partners abroad",
        "more": "Learn more", "past": "Past stage", "ongoing": "Ongoing", "upcoming": "Upcoming",
        "partnership": "Cooperation link", "strip": "Relay stages",
        "previous": "Previous stage", "next": "Next stage", "play": "▶ Autoplay",
        "pause": "⏸ Pause", "delay": "Delay between stages", "overview": "Overview",
        "empty": "No stage matches the selection.",
        "title": "Map of the Relais de la Coop Déc' — Cités Unies France",
        "map": "Map of the relay's stages",
        "s_passee": "past", "s_en-cours": "ongoing", "s_a-venir": "upcoming",
    },
}

def texts(lang: str) -> dict:
    return TEXTS.get(lang, TEXTS["fr"])
