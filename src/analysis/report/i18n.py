"""The report's words in the study's language: one table per language, plus number formats.

Every string a reader sees in ``report.html``, ``browse.html``, ``report.docx``,
``tables.xlsx`` and the figures comes from :data:`STRINGS` (keys are the same in every
language; ``{placeholders}`` are filled by :func:`text`). :data:`FIGURE_TERMS` maps the
English words the figure functions draw (axis labels, legend titles, notes) to the
study's language. A language without a table falls back to English.

>>> text("da", "responses_n", n=3)
'3 svar'
>>> number(0.256, "da", 2), percent(0.256, "de")
('0,26', '26 %')
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["STRINGS", "FIGURE_TERMS", "RESPONDENT_TYPES", "STANCES", "text", "number",
           "percent", "interval", "respondent_type", "stance", "language_of", "figure_term"]

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "report": "Report", "lang_name": "English",
        "subtitle": "Analysis of the consultation responses to {hearing}",
        "summary": "In brief", "method": "Method", "caveats": "Read with care",
        "themes": "Themes", "priorities": "Priorities raised", "goals": "Policy goals",
        "stance": "Stance", "respondents": "Who responded", "figures": "Figures",
        "responses_n": "{n} responses", "segments_n": "{n} sentences",
        "annotated": "Each response, sentence by sentence",
        "annotated_intro": ("With only {n} analysed response(s) there are too few to show "
                            "distributions; each response is shown in full, with the "
                            "priorities, stance and goals found in each sentence and the words "
                            "that were the evidence."),
        "distributions": "Distributions",
        "none": "none", "no_data": "no data",
        "no_codebook": "none: the study names no codebook and goals (study.yaml: codebook, goals), so no priorities were looked for.",
        "key_numbers": ("{read} inputs were read; {ok} responses were analysed ({segments} "
                        "sentences), {left_out} left out. {themes} themes were found."),
        "method_read": ("Read: every file or row of the input appears in the ingest report "
                        "with a status. {counts}."),
        "method_left_out": "Left out of the analysis",
        "method_warnings": "Analysed, with a warning",
        "method_redaction": ("Personal data (e-mails, phone and CPR numbers, addresses, names "
                             "in signatures) was replaced by placeholders before analysis; "
                             "{n} items in total."),
        "method_themes": ("Themes were found without a codebook ({backend}): the sentences "
                          "were turned into word counts and factorised into k themes; k = {k} "
                          "was chosen among {ks} by the stability of the themes over "
                          "resampled runs and their coherence. A theme's label is its most "
                          "characteristic words."),
        "method_priorities": ("Priorities were found with the study's codebook ({n} "
                              "priorities): a sentence raises a priority when it contains one "
                              "of its terms or phrases (lemmatised). Sender, greeting and "
                              "signature lines do not count. Stance (support, concern, "
                              "request) is read from cue words in the same sentence."),
        "method_intervals": ("Intervals are 95 % intervals over responses ({how}); a share "
                             "based on few responses has a wide interval. Counting unit: "
                             "{unit}."),
        "interval_bootstrap": "percentile bootstrap over responses",
        "interval_wilson": "Wilson score interval", "interval_jeffreys": "Jeffreys interval",
        "unit_response": "responses", "unit_segment": "sentences",
        "caveat_inferred_goals": ("The policy goals were inferred from the responses, not "
                                  "taken from the policy text ({file}); check them against "
                                  "the policy before reporting."),
        "caveat_small_groups": ("Small groups: {groups} have fewer than {min_n} responses; "
                                "their shares are uncertain."),
        "caveat_campaigns": ("{groups} group(s) of near-identical responses ({n} responses) "
                             "were found; they are counted {how}."),
        "campaigns_per_response": "one by one", "campaigns_once": "once per group",
        "caveat_attachments": ("{n} response(s) only point to an attachment that was not "
                               "received; they are not analysed."),
        "caveat_cut": "{n} response(s) may have been cut off by the platform's export limit.",
        "caveat_one_response": ("The study has a single analysed response: every share is "
                                "0 % or 100 % and says nothing about a population."),
        "caveat_few_themes": "With {n} sentences only a few themes can be told apart.",
        "th_theme": "Theme", "th_size": "Sentences", "th_share": "Share", "th_terms": "Key words",
        "th_quotes": "Typical quotes", "th_priority": "Priority", "th_responses": "Responses",
        "th_interval": "95 % interval", "th_goal": "Goal", "th_kind": "Kind",
        "th_coverage": "Responses raising it", "th_status": "Status", "th_count": "Count",
        "th_reason": "Reason", "th_source": "Source", "th_type": "Respondent type",
        "th_sentence": "Sentence", "th_stance": "Stance", "th_evidence": "Evidence",
        "th_goals": "Goals", "th_themes": "Themes", "th_value": "Value", "th_n": "n",
        "th_column": "Column", "th_table": "Table", "th_description": "Description",
        "th_rows": "Rows", "th_group": "Group",
        "caption_n": "n = {n}.", "figure_n": "Figure {i}",
        "response_heading": "Response {id} ({type})",
        "figure_values": "The plotted values are in figures/{name}.csv.",
        "goal_kind_strategic": "strategic", "goal_kind_delivery": "delivery",
        "browse_title": "Response browser", "browse_themes": "Themes",
        "browse_priorities": "Priorities", "browse_search": "Search the responses",
        "browse_all_types": "all respondent types", "browse_all_stances": "all stances",
        "browse_quotes": "Quotes", "browse_response": "Response",
        "browse_pick": "Choose a theme or a priority to see its quotes.",
        "browse_pick_quote": "Click a quote to open the whole response.",
        "browse_hits": "{n} matching sentences", "browse_no_hits": "No sentence matches.",
        "browse_legend": "Marked: theme (underline), priority (background), stance (border).",
        "browse_back": "back to the quotes",
        "report_link": "The response browser (browse.html) lets you go from a theme or "
                       "priority to its quotes and to whole responses.",
        "footer": ("Built by analysis.report (version {version}, random state {seed}). Every "
                   "figure is also in figures/ as PNG and SVG, with its values as CSV and a "
                   "provenance JSON."),
        "xlsx_readme": "README", "xlsx_about": ("Every table of the study, one sheet each. "
                                               "Cells that a spreadsheet would run as a "
                                               "formula start with an apostrophe."),
        "themes_over_time": "Themes over time",
    },
    "da": {
        "report": "Rapport", "lang_name": "dansk",
        "subtitle": "Analyse af høringssvarene til {hearing}",
        "summary": "Kort fortalt", "method": "Metode", "caveats": "Læs med forbehold",
        "themes": "Temaer", "priorities": "Prioriteter i svarene", "goals": "Politikkens mål",
        "stance": "Holdning", "respondents": "Hvem svarede", "figures": "Figurer",
        "responses_n": "{n} svar", "segments_n": "{n} sætninger",
        "annotated": "Hvert svar, sætning for sætning",
        "annotated_intro": ("Med kun {n} analyseret svar er der for få til at vise "
                            "fordelinger; hvert svar vises i sin helhed med de prioriteter, "
                            "den holdning og de mål, der er fundet i hver sætning, og de ord, "
                            "der var belægget."),
        "distributions": "Fordelinger",
        "none": "ingen", "no_data": "ingen data",
        "no_codebook": "ingen: studiet angiver ingen kodebog og mål (study.yaml: codebook, goals), så der er ikke søgt efter prioriteter.",
        "key_numbers": ("{read} input blev læst; {ok} svar blev analyseret ({segments} "
                        "sætninger), {left_out} udeladt. Der blev fundet {themes} temaer."),
        "method_read": ("Læst: hver fil eller række i input står i indlæsningsrapporten med "
                        "en status. {counts}."),
        "method_left_out": "Udeladt af analysen",
        "method_warnings": "Analyseret, med en advarsel",
        "method_redaction": ("Personoplysninger (e-mails, telefon- og CPR-numre, adresser, "
                             "navne i underskrifter) blev erstattet af pladsholdere før "
                             "analysen; {n} i alt."),
        "method_themes": ("Temaerne blev fundet uden kodebog ({backend}): sætningerne blev "
                          "gjort til ordoptællinger og faktoriseret i k temaer; k = {k} blev "
                          "valgt blandt {ks} ud fra temaernes stabilitet over gentagne kørsler "
                          "og deres sammenhæng. Et temas navn er dets mest karakteristiske ord."),
        "method_priorities": ("Prioriteterne blev fundet med studiets kodebog ({n} "
                              "prioriteter): en sætning rejser en prioritet, når den indeholder "
                              "et af dens ord eller udtryk (lemmatiseret). Afsender-, hilsens- "
                              "og underskriftslinjer tæller ikke. Holdning (støtte, bekymring, "
                              "ønske) læses af signalord i samme sætning."),
        "method_intervals": ("Intervaller er 95 %-intervaller over svar ({how}); en andel, der "
                             "bygger på få svar, har et bredt interval. Tælleenhed: {unit}."),
        "interval_bootstrap": "percentil-bootstrap over svar",
        "interval_wilson": "Wilson-interval", "interval_jeffreys": "Jeffreys-interval",
        "unit_response": "svar", "unit_segment": "sætninger",
        "caveat_inferred_goals": ("Politikkens mål er udledt af høringssvarene, ikke taget fra "
                                  "selve politikken ({file}); tjek dem mod politikken, før "
                                  "resultaterne bruges."),
        "caveat_small_groups": ("Små grupper: {groups} har færre end {min_n} svar; deres "
                                "andele er usikre."),
        "caveat_campaigns": ("Der blev fundet {groups} gruppe(r) af næsten ens svar ({n} svar); "
                             "de tælles {how}."),
        "campaigns_per_response": "hver for sig", "campaigns_once": "én gang per gruppe",
        "caveat_attachments": ("{n} svar henviser kun til et vedhæftet dokument, som ikke er "
                               "modtaget; de er ikke analyseret."),
        "caveat_cut": "{n} svar kan være afkortet af platformens eksportgrænse.",
        "caveat_one_response": ("Studiet har ét analyseret svar: hver andel er 0 % eller "
                                "100 % og siger intet om en større gruppe."),
        "caveat_few_themes": "Med {n} sætninger kan kun få temaer skelnes.",
        "th_theme": "Tema", "th_size": "Sætninger", "th_share": "Andel", "th_terms": "Nøgleord",
        "th_quotes": "Typiske citater", "th_priority": "Prioritet", "th_responses": "Svar",
        "th_interval": "95 %-interval", "th_goal": "Mål", "th_kind": "Type",
        "th_coverage": "Svar, der rejser det", "th_status": "Status", "th_count": "Antal",
        "th_reason": "Begrundelse", "th_source": "Kilde", "th_type": "Respondenttype",
        "th_sentence": "Sætning", "th_stance": "Holdning", "th_evidence": "Belæg",
        "th_goals": "Mål", "th_themes": "Temaer", "th_value": "Værdi", "th_n": "n",
        "th_column": "Kolonne", "th_table": "Tabel", "th_description": "Beskrivelse",
        "th_rows": "Rækker", "th_group": "Gruppe",
        "caption_n": "n = {n}.", "figure_n": "Figur {i}",
        "response_heading": "Svar {id} ({type})",
        "figure_values": "De viste værdier står i figures/{name}.csv.",
        "goal_kind_strategic": "strategisk", "goal_kind_delivery": "gennemførelse",
        "browse_title": "Svarbrowser", "browse_themes": "Temaer",
        "browse_priorities": "Prioriteter", "browse_search": "Søg i svarene",
        "browse_all_types": "alle respondenttyper", "browse_all_stances": "alle holdninger",
        "browse_quotes": "Citater", "browse_response": "Svar",
        "browse_pick": "Vælg et tema eller en prioritet for at se citaterne.",
        "browse_pick_quote": "Klik på et citat for at åbne hele svaret.",
        "browse_hits": "{n} sætninger passer", "browse_no_hits": "Ingen sætning passer.",
        "browse_legend": "Markeret: tema (understreget), prioritet (baggrund), holdning (kant).",
        "browse_back": "tilbage til citaterne",
        "report_link": "Svarbrowseren (browse.html) fører fra et tema eller en prioritet til "
                       "citaterne og til hele svar.",
        "footer": ("Lavet med analysis.report (version {version}, random state {seed}). Hver "
                   "figur ligger også i figures/ som PNG og SVG med værdierne som CSV og en "
                   "JSON om dens oprindelse."),
        "xlsx_readme": "LÆS MIG", "xlsx_about": ("Alle studiets tabeller, én fane hver. "
                                                "Celler, som et regneark ville køre som formel, "
                                                "begynder med en apostrof."),
        "themes_over_time": "Temaer over tid",
    },
    "de": {
        "report": "Bericht", "lang_name": "Deutsch",
        "subtitle": "Auswertung der Stellungnahmen zu {hearing}",
        "summary": "Kurz gesagt", "method": "Methode", "caveats": "Mit Vorsicht zu lesen",
        "themes": "Themen", "priorities": "Genannte Anliegen", "goals": "Ziele der Politik",
        "stance": "Haltung", "respondents": "Wer hat geantwortet", "figures": "Abbildungen",
        "responses_n": "{n} Stellungnahmen", "segments_n": "{n} Sätze",
        "annotated": "Jede Stellungnahme, Satz für Satz",
        "annotated_intro": ("Mit nur {n} ausgewerteten Stellungnahme(n) gibt es zu wenige für "
                            "Verteilungen; jede wird vollständig gezeigt, mit den Anliegen, der "
                            "Haltung und den Zielen jedes Satzes und den Wörtern, die der Beleg "
                            "waren."),
        "distributions": "Verteilungen",
        "none": "keine", "no_data": "keine Daten",
        "no_codebook": "keine: die Studie nennt kein Codebuch und keine Ziele (study.yaml: codebook, goals), daher wurde nach keinen Anliegen gesucht.",
        "key_numbers": ("{read} Eingaben wurden gelesen; {ok} Stellungnahmen wurden "
                        "ausgewertet ({segments} Sätze), {left_out} ausgelassen. {themes} "
                        "Themen wurden gefunden."),
        "method_read": ("Gelesen: jede Datei oder Zeile der Eingabe steht mit einem Status im "
                        "Einlesebericht. {counts}."),
        "method_left_out": "Nicht ausgewertet",
        "method_warnings": "Ausgewertet, mit einer Warnung",
        "method_redaction": ("Personenbezogene Daten (E-Mails, Telefonnummern, Adressen, Namen "
                             "in Unterschriften) wurden vor der Auswertung durch Platzhalter "
                             "ersetzt; insgesamt {n}."),
        "method_themes": ("Die Themen wurden ohne Codebuch gefunden ({backend}): die Sätze "
                          "wurden in Wortzählungen übersetzt und in k Themen zerlegt; k = {k} "
                          "wurde unter {ks} nach der Stabilität der Themen über wiederholte "
                          "Läufe und ihrer Kohärenz gewählt. Der Name eines Themas sind seine "
                          "kennzeichnendsten Wörter."),
        "method_priorities": ("Die Anliegen wurden mit dem Codebuch der Studie gefunden ({n} "
                              "Anliegen): ein Satz nennt ein Anliegen, wenn er einen seiner "
                              "Begriffe enthält (lemmatisiert). Absender-, Gruß- und "
                              "Unterschriftszeilen zählen nicht. Die Haltung (Zustimmung, "
                              "Sorge, Forderung) wird aus Signalwörtern im selben Satz gelesen."),
        "method_intervals": ("Intervalle sind 95-%-Intervalle über Stellungnahmen ({how}); ein "
                             "Anteil aus wenigen Stellungnahmen hat ein breites Intervall. "
                             "Zähleinheit: {unit}."),
        "interval_bootstrap": "Perzentil-Bootstrap über Stellungnahmen",
        "interval_wilson": "Wilson-Intervall", "interval_jeffreys": "Jeffreys-Intervall",
        "unit_response": "Stellungnahmen", "unit_segment": "Sätze",
        "caveat_inferred_goals": ("Die Ziele wurden aus den Stellungnahmen erschlossen, nicht "
                                  "dem Text der Politik entnommen ({file}); vor der Verwendung "
                                  "mit der Politik abgleichen."),
        "caveat_small_groups": ("Kleine Gruppen: {groups} haben weniger als {min_n} "
                                "Stellungnahmen; ihre Anteile sind unsicher."),
        "caveat_campaigns": ("{groups} Gruppe(n) fast gleicher Stellungnahmen ({n} "
                             "Stellungnahmen) wurden gefunden; sie zählen {how}."),
        "campaigns_per_response": "einzeln", "campaigns_once": "einmal je Gruppe",
        "caveat_attachments": ("{n} Stellungnahme(n) verweisen nur auf einen Anhang, der nicht "
                               "vorliegt; sie sind nicht ausgewertet."),
        "caveat_cut": "{n} Stellungnahme(n) wurden vielleicht vom Export abgeschnitten.",
        "caveat_one_response": ("Die Studie hat eine einzige ausgewertete Stellungnahme: jeder "
                                "Anteil ist 0 % oder 100 % und sagt nichts über eine Gruppe."),
        "caveat_few_themes": "Mit {n} Sätzen lassen sich nur wenige Themen unterscheiden.",
        "th_theme": "Thema", "th_size": "Sätze", "th_share": "Anteil", "th_terms": "Stichwörter",
        "th_quotes": "Typische Zitate", "th_priority": "Anliegen", "th_responses": "Stellungnahmen",
        "th_interval": "95-%-Intervall", "th_goal": "Ziel", "th_kind": "Art",
        "th_coverage": "Stellungnahmen, die es nennen", "th_status": "Status",
        "th_count": "Anzahl", "th_reason": "Grund", "th_source": "Quelle",
        "th_type": "Art der Absender", "th_sentence": "Satz", "th_stance": "Haltung",
        "th_evidence": "Beleg", "th_goals": "Ziele", "th_themes": "Themen", "th_value": "Wert",
        "th_n": "n", "th_column": "Spalte", "th_table": "Tabelle",
        "th_description": "Beschreibung", "th_rows": "Zeilen", "th_group": "Gruppe",
        "caption_n": "n = {n}.", "figure_n": "Abbildung {i}",
        "response_heading": "Stellungnahme {id} ({type})",
        "figure_values": "Die gezeigten Werte stehen in figures/{name}.csv.",
        "goal_kind_strategic": "strategisch", "goal_kind_delivery": "Umsetzung",
        "browse_title": "Stellungnahmen-Browser", "browse_themes": "Themen",
        "browse_priorities": "Anliegen", "browse_search": "In den Stellungnahmen suchen",
        "browse_all_types": "alle Absenderarten", "browse_all_stances": "alle Haltungen",
        "browse_quotes": "Zitate", "browse_response": "Stellungnahme",
        "browse_pick": "Wählen Sie ein Thema oder Anliegen, um seine Zitate zu sehen.",
        "browse_pick_quote": "Klicken Sie auf ein Zitat, um die ganze Stellungnahme zu öffnen.",
        "browse_hits": "{n} passende Sätze", "browse_no_hits": "Kein Satz passt.",
        "browse_legend": "Markiert: Thema (unterstrichen), Anliegen (Hintergrund), Haltung (Rand).",
        "browse_back": "zurück zu den Zitaten",
        "report_link": "Der Browser (browse.html) führt von einem Thema oder Anliegen zu den "
                       "Zitaten und zu ganzen Stellungnahmen.",
        "footer": ("Erstellt mit analysis.report (Version {version}, random state {seed}). Jede "
                   "Abbildung liegt auch in figures/ als PNG und SVG, mit ihren Werten als CSV "
                   "und einer Herkunfts-JSON."),
        "xlsx_readme": "LIESMICH", "xlsx_about": ("Alle Tabellen der Studie, je ein Blatt. "
                                                 "Zellen, die eine Tabellenkalkulation als "
                                                 "Formel ausführen würde, beginnen mit einem "
                                                 "Apostroph."),
        "themes_over_time": "Themen im Zeitverlauf",
    },
}

RESPONDENT_TYPES: dict[str, dict[str, str]] = {
    "en": {"citizen": "citizen", "organisation": "organisation", "local_council": "local council",
           "committee": "committee", "company": "company", "authority": "public authority",
           "unknown": "unknown", "all": "all"},
    "da": {"citizen": "borger", "organisation": "organisation", "local_council": "lokaludvalg",
           "committee": "udvalg", "company": "virksomhed", "authority": "myndighed",
           "unknown": "ukendt", "all": "alle"},
    "de": {"citizen": "Bürger/in", "organisation": "Organisation", "local_council": "Ortsbeirat",
           "committee": "Ausschuss", "company": "Unternehmen", "authority": "Behörde",
           "unknown": "unbekannt", "all": "alle"},
}

STANCES: dict[str, dict[str, str]] = {
    "en": {"support": "support", "concern": "concern", "request": "request",
           "neutral": "neutral", "oppose": "opposition", "mixed": "mixed"},
    "da": {"support": "støtte", "concern": "bekymring", "request": "ønske",
           "neutral": "neutral", "oppose": "modstand", "mixed": "blandet"},
    "de": {"support": "Zustimmung", "concern": "Sorge", "request": "Forderung",
           "neutral": "neutral", "oppose": "Ablehnung", "mixed": "gemischt"},
}

#: Words the figure functions draw in English, in the study's language (exact whole texts).
FIGURE_TERMS: dict[str, dict[str, str]] = {
    "da": {
        "segments": "sætninger", "theme": "tema", "respondent type": "respondenttype",
        "response": "svar", "share of segments": "andel af sætninger", "stance": "holdning",
        "number of themes k": "antal temaer k", "stability": "stabilitet",
        "coherence": "sammenhæng", "± stability_sd": "± stabilitetens sd",
        "map dimension 1": "kortets 1. akse", "map dimension 2": "kortets 2. akse",
        "responses in group": "svar i gruppen", "no data": "ingen data",
        "no duplicate groups found": "ingen grupper af næsten ens svar",
        "share of responses raising the priority": "andel af svar, der rejser prioriteten",
        "share of responses raising it": "andel af svar, der rejser den",
        "share of responses addressing the goal": "andel af svar, der berører målet",
        "policy goal": "politikkens mål", "priority": "prioritet", "group": "gruppe",
        "gap": "hul", "no theme": "intet tema", "share (mean)": "andel (gennemsnit)",
        "segments (mean)": "sætninger (gennemsnit)", "similarity": "lighed",
        "no segment raises a priority": "ingen sætning rejser en prioritet",
        "month": "måned", "week": "uge", "day": "dag", "share of sentences": "andel af sætninger",
    },
    "de": {
        "segments": "Sätze", "theme": "Thema", "respondent type": "Art der Absender",
        "response": "Stellungnahme", "share of segments": "Anteil der Sätze", "stance": "Haltung",
        "number of themes k": "Zahl der Themen k", "stability": "Stabilität",
        "coherence": "Kohärenz", "± stability_sd": "± Standardabweichung",
        "map dimension 1": "Kartenachse 1", "map dimension 2": "Kartenachse 2",
        "responses in group": "Stellungnahmen in der Gruppe", "no data": "keine Daten",
        "no duplicate groups found": "keine Gruppen fast gleicher Stellungnahmen",
        "share of responses raising the priority": "Anteil der Stellungnahmen mit dem Anliegen",
        "share of responses raising it": "Anteil der Stellungnahmen mit dem Anliegen",
        "share of responses addressing the goal": "Anteil der Stellungnahmen zum Ziel",
        "policy goal": "Ziel", "priority": "Anliegen", "group": "Gruppe", "gap": "Lücke",
        "no theme": "kein Thema", "share (mean)": "Anteil (Mittel)",
        "segments (mean)": "Sätze (Mittel)", "similarity": "Ähnlichkeit",
        "no segment raises a priority": "kein Satz nennt ein Anliegen",
        "month": "Monat", "week": "Woche", "day": "Tag", "share of sentences": "Anteil der Sätze",
    },
}

#: Figure titles, by figure name (the start of the name is enough: "priority-goal-codebook").
FIGURE_TITLES: dict[str, dict[str, str]] = {
    "en": {"theme-sizes": "Themes by size", "k-diagnostics": "Choosing the number of themes",
           "segment-map": "Map of sentences by theme",
           "themes-by-respondent-type": "Themes by respondent type",
           "themes-by-response": "Themes by response", "stance-by-priority": "Stance by priority",
           "priorities-by-respondent-type-mention": "Priorities by respondent type (mention)",
           "priorities-by-respondent-type-salience": "Priorities by respondent type (salience)",
           "priority-goal": "Priorities × policy goals", "goal-coverage": "Goal coverage and gaps",
           "priority-gaps": "Priorities no strategic goal covers",
           "campaign-sizes": "Campaigns and near-duplicates",
           "themes-over-time": "Themes over time",
           "group-effects": "Effects of respondent type"},
    "da": {"theme-sizes": "Temaer efter størrelse", "k-diagnostics": "Valg af antal temaer",
           "segment-map": "Kort over sætninger efter tema",
           "themes-by-respondent-type": "Temaer efter respondenttype",
           "themes-by-response": "Temaer efter svar", "stance-by-priority": "Holdning efter prioritet",
           "priorities-by-respondent-type-mention": "Prioriteter efter respondenttype (nævnt)",
           "priorities-by-respondent-type-salience": "Prioriteter efter respondenttype (vægt)",
           "priority-goal": "Prioriteter × politikkens mål",
           "goal-coverage": "Målenes dækning og huller",
           "priority-gaps": "Prioriteter, som intet strategisk mål dækker",
           "campaign-sizes": "Kampagner og næsten ens svar",
           "themes-over-time": "Temaer over tid",
           "group-effects": "Respondenttypens betydning"},
    "de": {"theme-sizes": "Themen nach Größe", "k-diagnostics": "Wahl der Zahl der Themen",
           "segment-map": "Karte der Sätze nach Thema",
           "themes-by-respondent-type": "Themen nach Art der Absender",
           "themes-by-response": "Themen nach Stellungnahme",
           "stance-by-priority": "Haltung nach Anliegen",
           "priorities-by-respondent-type-mention": "Anliegen nach Art der Absender (genannt)",
           "priorities-by-respondent-type-salience": "Anliegen nach Art der Absender (Gewicht)",
           "priority-goal": "Anliegen × Ziele der Politik",
           "goal-coverage": "Abdeckung der Ziele und Lücken",
           "priority-gaps": "Anliegen, die kein strategisches Ziel abdeckt",
           "campaign-sizes": "Kampagnen und fast gleiche Stellungnahmen",
           "themes-over-time": "Themen im Zeitverlauf",
           "group-effects": "Einfluss der Art der Absender"},
}

#: How to read each figure (caption), by figure name prefix; ``{n}`` is filled in.
FIGURE_CAPTIONS: dict[str, dict[str, str]] = {
    "en": {"theme-sizes": "Sentences per theme, the share of all sentences in brackets; longer bars: themes more respondents wrote about.",
           "k-diagnostics": "Stability and coherence for each candidate number of themes k; the dotted line marks the chosen k.",
           "segment-map": "Each dot is a sentence; nearby dots use similar words; the colour is the sentence's theme.",
           "themes-by-respondent-type": "Mean share of a response's text given to each theme, per respondent type (zeros included; a row sums to about 1).",
           "themes-by-response": "Share of each response's text given to each theme (a row sums to about 1).",
           "stance-by-priority": "Stance of the sentences that raise each priority; a longer blue part: more support.",
           "priorities-by-respondent-type-mention": "Share of responses that raise each priority at least once; points: estimate, bars: 95 % interval; 'all' is every response.",
           "priorities-by-respondent-type-salience": "Mean share of a response's sentences that raise the priority; bars: 95 % interval.",
           "priority-goal-codebook": "Sentences that raise a priority, in the column of each goal the codebook says it serves (0: not mapped; grey: not raised).",
           "priority-goal-similarity": "Mean text similarity between the sentences that raise a priority and the goal's description.",
           "goal-coverage": "Share of responses that raise a priority mapped to each goal, with 95 % interval; hatched: no response touches it.",
           "priority-gaps": "Share of responses that raise a priority no strategic goal covers, with 95 % interval and the reason.",
           "campaign-sizes": "Responses per group of near-identical responses.",
           "themes-over-time": "Share of each period's sentences given to each theme; n = sentences with a date.",
           "group-effects": "Odds ratio of raising each priority against the largest respondent type, adjusted for response length (Firth logistic regression), with 95 % interval; 1 = no difference."},
    "da": {"theme-sizes": "Sætninger per tema, andelen af alle sætninger i parentes; længere søjler: temaer, flere skrev om.",
           "k-diagnostics": "Stabilitet og sammenhæng for hvert muligt antal temaer k; den prikkede linje viser det valgte k.",
           "segment-map": "Hver prik er en sætning; prikker tæt på hinanden bruger lignende ord; farven er sætningens tema.",
           "themes-by-respondent-type": "Gennemsnitlig andel af et svars tekst, der handler om hvert tema, per respondenttype (nuller medregnet; en række summer til ca. 1).",
           "themes-by-response": "Andel af hvert svars tekst, der handler om hvert tema (en række summer til ca. 1).",
           "stance-by-priority": "Holdningen i de sætninger, der rejser hver prioritet; en længere blå del: mere støtte.",
           "priorities-by-respondent-type-mention": "Andel af svar, der rejser hver prioritet mindst én gang; punkter: skøn, streger: 95 %-interval; 'alle' er alle svar.",
           "priorities-by-respondent-type-salience": "Gennemsnitlig andel af et svars sætninger, der rejser prioriteten; streger: 95 %-interval.",
           "priority-goal-codebook": "Sætninger, der rejser en prioritet, i kolonnen for hvert mål, kodebogen knytter den til (0: ikke knyttet; grå: ikke rejst).",
           "priority-goal-similarity": "Gennemsnitlig tekstlighed mellem de sætninger, der rejser en prioritet, og målets beskrivelse.",
           "goal-coverage": "Andel af svar, der rejser en prioritet knyttet til hvert mål, med 95 %-interval; skraveret: intet svar berører det.",
           "priority-gaps": "Andel af svar, der rejser en prioritet, som intet strategisk mål dækker, med 95 %-interval og begrundelse.",
           "campaign-sizes": "Svar per gruppe af næsten ens svar.",
           "themes-over-time": "Andel af hver periodes sætninger, der handler om hvert tema; n = sætninger med dato.",
           "group-effects": "Oddsratio for at rejse hver prioritet i forhold til den største respondenttype, justeret for svarets længde (Firth logistisk regression), med 95 %-interval; 1 = ingen forskel."},
    "de": {"theme-sizes": "Sätze je Thema, der Anteil an allen Sätzen in Klammern.",
           "k-diagnostics": "Stabilität und Kohärenz für jede mögliche Themenzahl k; die gepunktete Linie zeigt das gewählte k.",
           "segment-map": "Jeder Punkt ist ein Satz; nahe Punkte verwenden ähnliche Wörter; die Farbe ist das Thema.",
           "themes-by-respondent-type": "Mittlerer Anteil des Textes einer Stellungnahme je Thema, nach Art der Absender (Nullen eingerechnet; eine Zeile ergibt etwa 1).",
           "themes-by-response": "Anteil des Textes jeder Stellungnahme je Thema (eine Zeile ergibt etwa 1).",
           "stance-by-priority": "Haltung der Sätze, die ein Anliegen nennen.",
           "priorities-by-respondent-type-mention": "Anteil der Stellungnahmen, die ein Anliegen mindestens einmal nennen; Punkte: Schätzung, Striche: 95-%-Intervall.",
           "priorities-by-respondent-type-salience": "Mittlerer Anteil der Sätze einer Stellungnahme, die das Anliegen nennen; Striche: 95-%-Intervall.",
           "priority-goal-codebook": "Sätze, die ein Anliegen nennen, in der Spalte jedes Ziels, dem das Codebuch es zuordnet.",
           "priority-goal-similarity": "Mittlere Textähnlichkeit zwischen den Sätzen eines Anliegens und der Beschreibung des Ziels.",
           "goal-coverage": "Anteil der Stellungnahmen, die ein dem Ziel zugeordnetes Anliegen nennen, mit 95-%-Intervall; schraffiert: keine.",
           "priority-gaps": "Anteil der Stellungnahmen mit einem Anliegen, das kein strategisches Ziel abdeckt, mit 95-%-Intervall und Grund.",
           "campaign-sizes": "Stellungnahmen je Gruppe fast gleicher Stellungnahmen.",
           "themes-over-time": "Anteil der Sätze jedes Zeitraums je Thema; n = Sätze mit Datum.",
           "group-effects": "Odds Ratio, ein Anliegen zu nennen, gegenüber der größten Absendergruppe, bereinigt um die Länge (Firth-logistische Regression), mit 95-%-Intervall; 1 = kein Unterschied."},
}


def language_of(language: str | None) -> str:
    """The language whose table is used: ``language`` if there is one, else English.

    >>> language_of("da"), language_of("fr")
    ('da', 'en')
    """
    return language if language in STRINGS else "en"


def text(language: str | None, key: str, **values: Any) -> str:
    """The string ``key`` in ``language`` (English when missing), placeholders filled.

    >>> text("en", "segments_n", n=2)
    '2 sentences'
    """
    table = STRINGS[language_of(language)]
    template = table.get(key, STRINGS["en"].get(key))
    if template is None:
        raise KeyError(f"report.i18n: no string {key!r}; add it to STRINGS['en'] and the others.")
    return template.format(**values) if values else template


def _by_prefix(table: dict[str, dict[str, str]], language: str | None, name: str) -> str:
    own, english = table.get(language_of(language), {}), table["en"]
    for source in (own, english):
        best = max((k for k in source if name == k or name.startswith(k + "-")), key=len,
                   default=None)
        if best is not None:
            return source[best]
    return name


def figure_title(language: str | None, name: str) -> str:
    """A figure's title in ``language``.

    >>> figure_title("da", "theme-sizes")
    'Temaer efter størrelse'
    """
    return _by_prefix(FIGURE_TITLES, language, name)


def figure_caption(language: str | None, name: str) -> str:
    """How to read figure ``name``, in ``language``.

    >>> figure_caption("en", "campaign-sizes")
    'Responses per group of near-identical responses.'
    """
    return _by_prefix(FIGURE_CAPTIONS, language, name)


def figure_term(language: str | None, term: str) -> str:
    """An English figure word in ``language`` (unchanged when unknown).

    >>> figure_term("da", "segments")
    'sætninger'
    """
    return FIGURE_TERMS.get(language_of(language), {}).get(term, term)


def respondent_type(language: str | None, value: Any) -> str:
    """A respondent type id as a word in ``language``.

    >>> respondent_type("da", "local_council")
    'lokaludvalg'
    """
    key = str(value)
    names = RESPONDENT_TYPES.get(language_of(language), RESPONDENT_TYPES["en"])
    return names.get(key, key.replace("_", " "))


def stance(language: str | None, value: Any) -> str:
    """A stance id as a word in ``language``.

    >>> stance("da", "concern")
    'bekymring'
    """
    key = str(value)
    return STANCES.get(language_of(language), STANCES["en"]).get(key, key)


_DECIMAL = {"da": ",", "de": ","}
_THOUSANDS = {"da": ".", "de": ".", "en": ","}


def number(value: Any, language: str | None, decimals: int = 0) -> str:
    """``value`` formatted for ``language`` (decimal comma in da/de); "–" for missing.

    >>> number(1234.5, "da", 1), number(1234.5, "en", 1), number(None, "en")
    ('1.234,5', '1,234.5', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(value):
        return "–"
    lang = language_of(language)
    raw = f"{value:,.{decimals}f}"
    return raw.replace(",", "\0").replace(".", _DECIMAL.get(lang, ".")).replace(
        "\0", _THOUSANDS.get(lang, ","))


def percent(value: Any, language: str | None, decimals: int = 0) -> str:
    """A share (0–1) as a percentage for ``language`` ("26 %"; English "26%").

    >>> percent(0.5, "en"), percent(0.5, "da")
    ('50%', '50 %')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    body = number(float(value) * 100, language, decimals)
    return body + ("%" if language_of(language) == "en" else " %")


def interval(low: Any, high: Any, language: str | None, decimals: int = 0) -> str:
    """A 95 % interval of shares, e.g. ``"21–79 %"``.

    >>> interval(0.2, 0.8, "da")
    '20–80 %'
    """
    lo, hi = percent(low, language, decimals), percent(high, language, decimals)
    if lo == "–" or hi == "–":
        return "–"
    unit = "%" if language_of(language) == "en" else " %"
    return f"{lo[:-len(unit)]}–{hi}"


_NUMBER_TEXT = re.compile(r"^-?\d+\.\d+$")


def localise_number_text(value: str, language: str | None) -> str:
    """A plain decimal drawn on a figure ("0.25") with the language's decimal mark.

    >>> localise_number_text("0.25", "da"), localise_number_text("0.25", "en")
    ('0,25', '0.25')
    """
    if _NUMBER_TEXT.match(value) and language_of(language) in _DECIMAL:
        return value.replace(".", _DECIMAL[language_of(language)])
    return value


#: Parts of longer figure texts ("chosen k = 3", "not raised · …"), replaced wherever they occur.
FIGURE_PHRASES: dict[str, tuple[tuple[str, str], ...]] = {
    "da": (("chosen k", "valgt k"), ("not raised", "ikke rejst"),
           ("no goal in the policy", "intet mål i politikken"),
           ("delivery only", "kun gennemførelse"), ("smaller groups not shown", "mindre grupper ikke vist"),
           ("no rows for", "ingen rækker for")),
    "de": (("chosen k", "gewähltes k"), ("not raised", "nicht genannt"),
           ("no goal in the policy", "kein Ziel in der Politik"),
           ("delivery only", "nur Umsetzung"), ("smaller groups not shown", "kleinere Gruppen nicht gezeigt"),
           ("no rows for", "keine Zeilen für")),
}


def localise_figure_text(value: str, language: str | None) -> str:
    """One text drawn on a figure, in ``language``: whole words, phrases, numbers, types.

    >>> localise_figure_text("chosen k = 3", "da"), localise_figure_text("citizen", "de")
    ('valgt k = 3', 'Bürger/in')
    """
    lang = language_of(language)
    if lang == "en" or not value:
        return value
    stripped = value.strip()
    terms = FIGURE_TERMS.get(lang, {})
    if stripped in terms:
        return terms[stripped]
    kinds = {**{k.replace("_", " "): v for k, v in RESPONDENT_TYPES[lang].items()},
             **RESPONDENT_TYPES[lang], **STANCES[lang]}
    if stripped in kinds:
        return kinds[stripped]
    out = localise_number_text(value, lang)
    for english, own in FIGURE_PHRASES.get(lang, ()):
        out = out.replace(english, own)
    if out.startswith("responses in group"):
        out = out.replace("responses in group", terms.get("responses in group", "responses in group"), 1)
    return out
