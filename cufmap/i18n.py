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
        "count_one": "{n} étape sur {m} correspond à la sélection.",
        "count_other": "{n} étapes sur {m} correspondent à la sélection.",
        "title": "Carte du Relais de la Coop Déc' — Cités Unies France",
        "s_passee": "passée", "s_en-cours": "en cours", "s_a-venir": "à venir",
        "speaker": "Vue orateur", "speaker_open": "Ouvrir la vue orateur (nouvelle fenêtre)",
        "now": "Étape en cours", "next_stage": "Ensuite", "notes": "Notes",
        "no_notes": "Pas de note pour cette étape.", "clock": "Heure",
        "elapsed": "Depuis le début", "end_of_relay": "Fin du relais : retour à la vue d'ensemble",
        "follow": "Suivez la carte sur votre téléphone",
        "zoom_in": "Zoom avant", "zoom_out": "Zoom arrière",
        "bad_address": "Adresse publique ignorée : elle doit être une adresse web complète "
                       "(https://…).",
        "route": "Parcours", "photos": "Photos de l'étape", "credit": "Photo : ",
        "figures": "Le relais en chiffres",
    },
    "en": {
        "timeline": "Stages of the relay", "undated": "Date to be announced", "with": "with",
        "card": "Stage details", "close": "Close", "partners": "Partners abroad",
        "more": "Learn more", "past": "Past stage", "ongoing": "Ongoing", "upcoming": "Upcoming",
        "partnership": "Cooperation link", "strip": "Relay stages",
        "previous": "Previous stage", "next": "Next stage", "play": "▶ Autoplay",
        "pause": "⏸ Pause", "delay": "Delay between stages", "overview": "Overview",
        "empty": "No stage matches the selection.",
        "count_one": "{n} stage of {m} matches the selection.",
        "count_other": "{n} stages of {m} match the selection.",
        "title": "Map of the Relais de la Coop Déc' — Cités Unies France",
        "s_passee": "past", "s_en-cours": "ongoing", "s_a-venir": "upcoming",
        "speaker": "Speaker view", "speaker_open": "Open the speaker view (new window)",
        "now": "Current stage", "next_stage": "Next", "notes": "Notes",
        "no_notes": "No notes for this stage.", "clock": "Time",
        "elapsed": "Since the start", "end_of_relay": "End of the relay: back to the overview",
        "follow": "Follow the map on your phone",
        "zoom_in": "Zoom in", "zoom_out": "Zoom out",
        "bad_address": "Public address ignored: it must be a full web address (https://…).",
        "route": "Route", "photos": "Photos of the stage", "credit": "Photo: ",
        "figures": "The relay in figures",
    },
}

def texts(lang: str) -> dict:
    return TEXTS.get(lang, TEXTS["fr"])
