"""The report's sentences, headings and labels in each language (read through :mod:`analysis.report.i18n`).

Keys are the same in every language; ``{placeholders}`` are filled by ``i18n.text``.
Add a language by adding a table with every key of ``STRINGS["en"]``.
"""

from __future__ import annotations

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
        "unit_pair": "sentence–priority pairs",
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
        "caption_n": "n = {n} {unit}.", "figure_n": "Figure {i}",
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
        "unit_pair": "par af sætning og prioritet",
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
        "caption_n": "n = {n} {unit}.", "figure_n": "Figur {i}",
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
        "unit_pair": "Paare aus Satz und Anliegen",
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
        "caption_n": "n = {n} {unit}.", "figure_n": "Abbildung {i}",
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
