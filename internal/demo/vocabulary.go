package demo

import (
	"strings"

	"github.com/kette-org/kette/internal/catalog"
)

// This file is the domain vocabulary of the demo data and of the national generator (internal/generate): what
// kinds of offers exist along the Präventionskette, who offers them, for which phases, fields, ages and groups,
// and how German providers name themselves. Codes are those of internal/taxonomy/taxonomies.json.

// AgeRange is an age range in months, inclusive.
type AgeRange struct{ Min, Max int }

// Timing says how an offer's schedule looks.
type Timing int

const (
	Weekly      Timing = iota // one or two fixed weekly slots
	OfficeHours               // office hours on several weekdays, appointments
	Dated                     // dated events (courses, holiday programmes, information evenings)
)

// OfferTemplate is a kind of offer. Its age range lies within its phases' ranges.
type OfferTemplate struct {
	Key          string
	Title        string
	Sentences    []string // description; two to four of them are used, the first always
	Kinds        []string // organization kinds that run it
	Phases       []string
	Fields       []string
	TargetGroups []string
	Transitions  []string
	Age          *AgeRange // nil: no age limits (e.g. offers for expectant parents or all ages)
	Cost         string
	CostNote     string
	Access       string
	Delivery     []string
	Application  string // "Bitte mitbringen: …" and how to take part
	Timing       Timing
	Languages    []string // languages beside German that fit the offer (one or two are drawn)
}

// HealthFor0To3 reports whether the template is a health offer for the phase 0–3 (the cell of the Hannover gap).
func (t OfferTemplate) HealthFor0To3() bool {
	return has(t.Fields, "health") && has(t.Phases, "age_0_3")
}

// KitaSchool reports whether the template supports the transition from Kita to primary school.
func (t OfferTemplate) KitaSchool() bool { return has(t.Transitions, "kita_school") }

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func ages(min, max int) *AgeRange { return &AgeRange{min, max} }

var (
	site     = []string{catalog.DeliveryOnSite}
	sitePh   = []string{catalog.DeliveryOnSite, catalog.DeliveryPhone}
	siteOnl  = []string{catalog.DeliveryOnSite, catalog.DeliveryOnline}
	outreach = []string{catalog.DeliveryOutreach, catalog.DeliveryPhone}
	migLangs = []string{"tr", "ar", "uk", "ru", "fa", "pl"}
	allLangs = []string{"en", "tr", "ar", "uk", "ru", "pl", "fa"}
)

// Templates are the offers of the demo and of the generator. The first template of a kind in this list is
// that kind's core offer: every organization of the kind runs it.
var Templates = []OfferTemplate{
	// Kinderarztpraxis — its core offer is the health offer for 0–3 that every Sozialraum but the gap has.
	{Key: "u-untersuchungen", Title: "Vorsorgeuntersuchungen U1–U9 und Impfsprechstunde",
		Sentences: []string{"Die Praxis führt alle Früherkennungsuntersuchungen von der U2 bis zur U9 durch und berät zu den empfohlenen Impfungen.",
			"Bei jeder Untersuchung schauen wir auf Wachstum, Entwicklung, Sprache und Bewegung Ihres Kindes.",
			"Neue Patientinnen und Patienten nehmen wir im Stadtteil gern auf.",
			"Für Säuglinge gibt es eine eigene Sprechstunde ohne Wartezimmer mit kranken Kindern."},
		Kinds: []string{"kinderarztpraxis"}, Phases: []string{"age_0_3", "age_3_6"}, Fields: []string{"health"},
		TargetGroups: []string{"all_families"}, Age: ages(0, 66), Cost: catalog.CostFree, CostNote: "Leistung der Krankenkasse",
		Access: catalog.AccessRegistration, Delivery: sitePh, Timing: OfficeHours, Languages: []string{"en", "tr", "ru"},
		Application: "Bitte mitbringen: gelbes Kinderuntersuchungsheft, Impfpass und Versichertenkarte. Termine telefonisch."},
	{Key: "jugendsprechstunde", Title: "Jugendsprechstunde und J1-Untersuchung",
		Sentences: []string{"Die J1 ist die Vorsorgeuntersuchung für Jugendliche zwischen 12 und 14 Jahren.",
			"Es geht um Gesundheit, Pubertät, Impfungen und alles, was Jugendliche beschäftigt.",
			"Jugendliche können auch ohne ihre Eltern kommen."},
		Kinds: []string{"kinderarztpraxis"}, Phases: []string{"age_10_16"}, Fields: []string{"health"},
		TargetGroups: []string{"all_families"}, Age: ages(144, 191), Cost: catalog.CostFree, CostNote: "Leistung der Krankenkasse",
		Access: catalog.AccessRegistration, Delivery: site, Timing: OfficeHours, Languages: []string{"en"},
		Application: "Bitte mitbringen: Versichertenkarte und Impfpass."},
	{Key: "schulkind-sprechstunde", Title: "Sprechstunde für Schulkinder (U10/U11)",
		Sentences: []string{"Die Untersuchungen U10 und U11 achten auf Lese-Rechtschreib-Schwächen, Bewegung, Ernährung und Medienkonsum.",
			"Wir beraten Eltern, wenn es in der Schule nicht rund läuft.",
			"Nicht alle Krankenkassen übernehmen die Kosten; wir sagen es Ihnen vorher."},
		Kinds: []string{"kinderarztpraxis"}, Phases: []string{"age_6_10"}, Fields: []string{"health"},
		TargetGroups: []string{"all_families"}, Age: ages(84, 119), Cost: catalog.CostReduced, CostNote: "viele Krankenkassen übernehmen die Kosten",
		Access: catalog.AccessRegistration, Delivery: site, Timing: OfficeHours, Languages: []string{"en", "tr"},
		Application: "Bitte mitbringen: Versichertenkarte und das gelbe Heft."},

	// Hebamme
	{Key: "hebammensprechstunde", Title: "Hebammensprechstunde",
		Sentences: []string{"In der offenen Sprechstunde beantworten erfahrene Hebammen Fragen rund um Schwangerschaft, Geburt, Stillen und das erste Lebensjahr.",
			"Sie können ohne Termin kommen, auch wenn Sie noch keine eigene Hebamme gefunden haben.",
			"Wir wiegen Ihr Baby und helfen bei Stillproblemen.",
			"Bei Bedarf vermitteln wir eine Hebamme für die Wochenbettbetreuung."},
		Kinds: []string{"hebamme", "familienzentrum"}, Phases: []string{"pregnancy", "age_0_3"}, Fields: []string{"health", "early_help"},
		TargetGroups: []string{"all_families", "young_parents", "migration"}, Age: ages(0, 12), Cost: catalog.CostFree,
		Access: catalog.AccessOpen, Delivery: site, Timing: Weekly, Languages: migLangs,
		Application: "Ohne Anmeldung. Bitte mitbringen: Mutterpass und, wenn vorhanden, das gelbe Kinderuntersuchungsheft."},
	{Key: "geburtsvorbereitung", Title: "Geburtsvorbereitungskurs",
		Sentences: []string{"Der Kurs bereitet Schwangere und ihre Begleitpersonen auf Geburt und Wochenbett vor.",
			"Atmung, Entspannung und Gebärhaltungen werden praktisch geübt.",
			"Ein Abend ist für Partnerinnen und Partner gedacht.",
			"Die Kosten für die Schwangere übernimmt die Krankenkasse."},
		Kinds: []string{"hebamme", "klinik", "familienbildungsstaette"}, Phases: []string{"pregnancy"}, Fields: []string{"health", "family_education"},
		TargetGroups: []string{"all_families", "fathers"}, Cost: catalog.CostReduced, CostNote: "für Schwangere Kassenleistung, Partner 60 €",
		Access: catalog.AccessRegistration, Delivery: site, Timing: Dated, Languages: []string{"en", "ar"},
		Application: "Anmeldung bis zur 28. Schwangerschaftswoche. Bitte mitbringen: bequeme Kleidung, Mutterpass, ein Kissen."},
	{Key: "rueckbildung", Title: "Rückbildungsgymnastik mit Baby",
		Sentences: []string{"Sanfte Übungen stärken nach der Geburt Beckenboden, Bauch und Rücken.",
			"Die Babys sind dabei und liegen auf Decken neben ihren Müttern.",
			"Der Kurs beginnt frühestens sechs Wochen nach der Geburt."},
		Kinds: []string{"hebamme", "familienbildungsstaette"}, Phases: []string{"age_0_3"}, Fields: []string{"health"},
		TargetGroups: []string{"all_families"}, Age: ages(1, 9), Cost: catalog.CostFree, CostNote: "Leistung der Krankenkasse",
		Access: catalog.AccessRegistration, Delivery: site, Timing: Weekly, Languages: []string{"en", "pl"},
		Application: "Bitte mitbringen: Handtuch, Decke fürs Baby und Versichertenkarte."},

	// Familienzentrum
	{Key: "elterncafe", Title: "Elterncafé",
		Sentences: []string{"Das Elterncafé ist ein offener Treffpunkt für Mütter, Väter und Großeltern mit ihren Kindern.",
			"Bei Kaffee und Tee lernen Sie andere Familien aus dem Stadtteil kennen.",
			"Fachkräfte des Familienzentrums sind da und beantworten Fragen zu Erziehung, Kita und Behörden.",
			"Für die Kinder gibt es eine Spielecke."},
		Kinds: []string{"familienzentrum"}, Phases: []string{"age_0_3", "age_3_6"}, Fields: []string{"family_education", "social"},
		TargetGroups: []string{"all_families", "migration", "single_parents"}, Age: ages(0, 71), Cost: catalog.CostFree,
		Access: catalog.AccessOpen, Delivery: site, Timing: Weekly, Languages: migLangs,
		Application: "Einfach vorbeikommen, eine Anmeldung ist nicht nötig."},
	{Key: "babymassage", Title: "Babymassage",
		Sentences: []string{"In vier Terminen lernen Eltern, ihr Baby mit sanften Griffen zu massieren.",
			"Die Massage beruhigt, hilft bei Bauchweh und stärkt die Bindung.",
			"Der Kurs wird von einer Kinderkrankenschwester geleitet.",
			"Geschwisterkinder können leider nicht mitgebracht werden."},
		Kinds: []string{"familienzentrum", "hebamme", "familienbildungsstaette"}, Phases: []string{"age_0_3"},
		Fields: []string{"health", "family_education"}, TargetGroups: []string{"all_families", "young_parents"}, Age: ages(1, 6),
		Cost: catalog.CostReduced, CostNote: "20 € für vier Termine, mit Familienpass kostenlos",
		Access: catalog.AccessRegistration, Delivery: site, Timing: Dated, Languages: []string{"en", "ar", "uk"},
		Application: "Bitte mitbringen: ein großes Handtuch, eine Windel und etwas Öl ohne Duftstoffe."},
	{Key: "eltern-kind-gruppe", Title: "Eltern-Kind-Gruppe",
		Sentences: []string{"In der Eltern-Kind-Gruppe spielen, singen und bewegen sich Kinder unter drei Jahren gemeinsam mit ihren Eltern.",
			"Die Gruppe bereitet behutsam auf die Kita vor.",
			"Eltern tauschen sich über Schlaf, Essen und Entwicklung aus.",
			"Eine pädagogische Fachkraft leitet die Gruppe."},
		Kinds: []string{"familienzentrum", "familienbildungsstaette"}, Phases: []string{"age_0_3"},
		Fields: []string{"family_education", "leisure"}, TargetGroups: []string{"all_families", "fathers"},
		Transitions: []string{"family_kita"}, Age: ages(6, 35), Cost: catalog.CostReduced, CostNote: "3 € pro Termin, mit Familienpass frei",
		Access: catalog.AccessRegistration, Delivery: site, Timing: Weekly, Languages: []string{"en", "tr"},
		Application: "Anmeldung im Familienzentrum. Bitte mitbringen: Stoppersocken und etwas zu trinken."},
	{Key: "mama-lernt-deutsch", Title: "Mama lernt Deutsch – Sprachkurs mit Kinderbetreuung",
		Sentences: []string{"Der Deutschkurs richtet sich an Mütter mit kleinen Kindern, die neu in Deutschland sind.",
			"Während des Unterrichts werden die Kinder im Nebenraum betreut.",
			"Themen sind Alltag, Arztbesuch, Kita und Schule.",
			"Der Kurs ist kostenlos und offen für alle Herkunftssprachen."},
		Kinds: []string{"familienzentrum", "familienbildungsstaette"}, Phases: []string{"age_0_3", "age_3_6"},
		Fields: []string{"education", "social"}, TargetGroups: []string{"migration"}, Age: ages(0, 71),
		Cost: catalog.CostFree, Access: catalog.AccessRegistration, Delivery: site, Timing: Weekly, Languages: migLangs,
		Application: "Anmeldung persönlich im Familienzentrum. Bitte mitbringen: Aufenthaltsdokument, falls vorhanden."},
	{Key: "papa-kind-treff", Title: "Papa-Kind-Treff am Samstag",
		Sentences: []string{"Einmal im Monat treffen sich Väter mit ihren Kindern zum Spielen, Bauen und Frühstücken.",
			"Hier kommen Väter ins Gespräch über Elternzeit, Beruf und Familie.",
			"Geleitet wird der Treff von einem Sozialpädagogen."},
		Kinds: []string{"familienzentrum"}, Phases: []string{"age_0_3", "age_3_6"}, Fields: []string{"family_education", "leisure"},
		TargetGroups: []string{"fathers"}, Age: ages(12, 71), Cost: catalog.CostFree, Access: catalog.AccessOpen,
		Delivery: site, Timing: Dated, Languages: []string{"en"},
		Application: "Ohne Anmeldung. Für das Frühstück freuen wir uns über einen kleinen Beitrag."},
	{Key: "starke-eltern", Title: "Elternkurs „Starke Eltern – starke Kinder“",
		Sentences: []string{"Der Elternkurs stärkt Eltern im Erziehungsalltag: Grenzen setzen, Streit lösen, gelassener bleiben.",
			"An acht Abenden arbeiten die Teilnehmenden mit Beispielen aus ihrem eigenen Alltag.",
			"Der Kurs wurde vom Kinderschutzbund entwickelt.",
			"Kinderbetreuung kann auf Wunsch organisiert werden."},
		Kinds: []string{"familienzentrum", "familienbildungsstaette", "verein"}, Phases: []string{"age_3_6", "age_6_10", "age_10_16"},
		Fields: []string{"family_education"}, TargetGroups: []string{"all_families", "single_parents"}, Age: ages(36, 191),
		Cost: catalog.CostReduced, CostNote: "40 € für acht Abende, Ermäßigung auf Anfrage",
		Access: catalog.AccessRegistration, Delivery: site, Timing: Dated, Languages: []string{"tr", "ar"},
		Application: "Bitte melden Sie sich bis eine Woche vor Kursbeginn an."},
	{Key: "hausaufgabenhilfe", Title: "Hausaufgabenhilfe",
		Sentences: []string{"Ehrenamtliche und Studierende helfen Kindern nach der Schule bei den Hausaufgaben.",
			"Die Kinder arbeiten in kleinen Gruppen und bekommen einen Snack.",
			"Der Kontakt zu den Lehrkräften wird mit Einverständnis der Eltern gehalten."},
		Kinds: []string{"familienzentrum", "schule", "verein"}, Phases: []string{"age_6_10", "age_10_16"}, Fields: []string{"education"},
		TargetGroups: []string{"all_families", "migration", "poverty"}, Age: ages(72, 167), Cost: catalog.CostFree,
		Access: catalog.AccessOpen, Delivery: site, Timing: Weekly, Languages: []string{"ar", "uk", "tr"},
		Application: "Bitte mitbringen: Hausaufgabenheft und Federmappe."},

	// Kita
	{Key: "vorschulgruppe", Title: "Vorschulgruppe „Schlaue Füchse“",
		Sentences: []string{"Im letzten Kita-Jahr treffen sich die künftigen Schulkinder einmal pro Woche in der Vorschulgruppe.",
			"Sie üben Konzentration, Zahlen, Reime und das selbstständige Arbeiten.",
			"Gemeinsam mit der Grundschule im Stadtteil gibt es Schnupperbesuche im Klassenzimmer.",
			"Ein Elternabend informiert über Schulanmeldung und Schuleingangsuntersuchung."},
		Kinds: []string{"kita"}, Phases: []string{"age_3_6"}, Fields: []string{"education"},
		TargetGroups: []string{"all_families"}, Transitions: []string{"kita_school"}, Age: ages(60, 71), Cost: catalog.CostFree,
		Access: catalog.AccessRegistration, Delivery: site, Timing: Weekly, Languages: []string{"tr", "ar"},
		Application: "Für Kinder, die im nächsten Sommer eingeschult werden und die Kita besuchen."},
	{Key: "sprachfoerderung", Title: "Alltagsintegrierte Sprachförderung",
		Sentences: []string{"Sprachfachkräfte begleiten die Kinder im Kita-Alltag beim Sprechenlernen.",
			"Kinder, die zu Hause eine andere Sprache sprechen, werden besonders unterstützt.",
			"Eltern bekommen Tipps für das Vorlesen und Erzählen zu Hause.",
			"Die Förderung ist Teil des Niedersächsischen Kita-Gesetzes."},
		Kinds: []string{"kita"}, Phases: []string{"age_3_6"}, Fields: []string{"education"},
		TargetGroups: []string{"migration", "all_families"}, Age: ages(36, 71), Cost: catalog.CostFree,
		Access: catalog.AccessRegistration, Delivery: site, Timing: Weekly, Languages: migLangs,
		Application: "Für Kinder der Einrichtung; sprechen Sie die Gruppenleitung an."},
	{Key: "krippe-eingewoehnung", Title: "Krippenplätze und Eingewöhnung",
		Sentences: []string{"Die Krippe betreut Kinder ab einem Jahr in kleinen Gruppen.",
			"Die Eingewöhnung folgt dem Berliner Modell und dauert zwei bis drei Wochen.",
			"Vor dem Start laden wir zu einem Kennenlerngespräch ein."},
		Kinds: []string{"kita"}, Phases: []string{"age_0_3"}, Fields: []string{"education", "work_life"},
		TargetGroups: []string{"all_families", "single_parents"}, Transitions: []string{"family_kita"}, Age: ages(12, 35),
		Cost: catalog.CostReduced, CostNote: "Elternbeitrag nach Einkommen, Kita ab drei Jahren beitragsfrei",
		Access: catalog.AccessRegistration, Delivery: site, Timing: OfficeHours, Languages: []string{"en", "pl"},
		Application: "Anmeldung über das Kita-Portal der Stadt. Bitte mitbringen: Impfnachweis (Masern) und Geburtsurkunde."},
	{Key: "bewegungskita", Title: "Bewegte Kita – Turnen und Toben",
		Sentences: []string{"Zweimal pro Woche nutzen die Kinder die Bewegungshalle mit Kletterwand und Bällebad.",
			"Spiele und Parcours fördern Koordination und Ausdauer.",
			"Die Kita ist als Bewegungskita zertifiziert."},
		Kinds: []string{"kita"}, Phases: []string{"age_3_6"}, Fields: []string{"leisure", "health"},
		TargetGroups: []string{"all_families"}, Age: ages(36, 71), Cost: catalog.CostFree,
		Access: catalog.AccessRegistration, Delivery: site, Timing: Weekly,
		Application: "Bitte mitbringen: Turnschuhe oder Stoppersocken."},

	// Schule
	{Key: "schnuppertag", Title: "Schnuppertag für künftige Erstklässler",
		Sentences: []string{"Kinder aus den Kitas des Stadtteils besuchen die Grundschule und erleben eine erste Schulstunde.",
			"Eltern lernen Schulleitung und Hort kennen.",
			"Gleichzeitig informieren wir über die Schulanmeldung und die Sprachstandsfeststellung."},
		Kinds: []string{"schule"}, Phases: []string{"age_3_6", "age_6_10"}, Fields: []string{"education"},
		TargetGroups: []string{"all_families"}, Transitions: []string{"kita_school"}, Age: ages(60, 83), Cost: catalog.CostFree,
		Access: catalog.AccessRegistration, Delivery: site, Timing: Dated, Languages: []string{"tr", "ar", "uk"},
		Application: "Anmeldung über die Kita oder direkt im Schulsekretariat."},
	{Key: "uebergang-weiterfuehrend", Title: "Infoabend Übergang auf die weiterführende Schule",
		Sentences: []string{"Im vierten Schuljahr steht die Wahl der weiterführenden Schule an.",
			"Lehrkräfte stellen Oberschule, Gymnasium und Gesamtschule vor.",
			"Dolmetscherinnen und Dolmetscher sind auf Anfrage dabei."},
		Kinds: []string{"schule"}, Phases: []string{"age_6_10", "age_10_16"}, Fields: []string{"education"},
		TargetGroups: []string{"all_families", "migration"}, Transitions: []string{"primary_secondary"}, Age: ages(108, 131),
		Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: site, Timing: Dated, Languages: migLangs,
		Application: "Ohne Anmeldung; Dolmetschen bitte eine Woche vorher anfragen."},
	{Key: "schulsozialarbeit", Title: "Schulsozialarbeit",
		Sentences: []string{"Die Schulsozialarbeiterin ist Ansprechpartnerin für Schülerinnen, Schüler und Eltern bei Sorgen aller Art.",
			"Sie hilft bei Streit, Mobbing, Schulangst und Problemen zu Hause.",
			"Die Gespräche sind vertraulich.",
			"Sie unterstützt auch beim Antrag auf Leistungen für Bildung und Teilhabe."},
		Kinds: []string{"schule"}, Phases: []string{"age_6_10", "age_10_16"}, Fields: []string{"youth_welfare", "social"},
		TargetGroups: []string{"all_families", "poverty"}, Age: ages(72, 191), Cost: catalog.CostFree,
		Access: catalog.AccessOpen, Delivery: sitePh, Timing: OfficeHours, Languages: []string{"tr", "ar"},
		Application: "Sprechzeiten im Raum der Schulsozialarbeit, Termine auch telefonisch."},
	{Key: "berufsorientierung", Title: "Berufsorientierung „Check-in Beruf“",
		Sentences: []string{"Ab Klasse 8 lernen Schülerinnen und Schüler in Praxistagen verschiedene Berufsfelder kennen.",
			"Eine Potenzialanalyse zeigt Stärken und Interessen.",
			"Betriebe aus der Region stellen Praktikumsplätze bereit."},
		Kinds: []string{"schule"}, Phases: []string{"age_10_16", "school_to_work"}, Fields: []string{"education"},
		TargetGroups: []string{"all_families"}, Transitions: []string{"school_work"}, Age: ages(156, 215), Cost: catalog.CostFree,
		Access: catalog.AccessRegistration, Delivery: site, Timing: Dated, Languages: []string{"en"},
		Application: "Anmeldung über die Klassenleitung."},

	// Jugendamt
	{Key: "asd-sprechstunde", Title: "Allgemeiner Sozialer Dienst – offene Sprechstunde",
		Sentences: []string{"Der Allgemeine Soziale Dienst berät Familien in schwierigen Lebenslagen und bei Fragen der Erziehung.",
			"Gemeinsam klären wir, welche Hilfe passt, zum Beispiel eine Erziehungsbeistandschaft oder sozialpädagogische Familienhilfe.",
			"Die Beratung ist kostenlos und vertraulich.",
			"In dringenden Fällen sind wir auch außerhalb der Sprechzeiten erreichbar."},
		Kinds: []string{"jugendamt"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10", "age_10_16"},
		Fields: []string{"youth_welfare", "early_help"}, TargetGroups: []string{"all_families", "single_parents", "poverty"},
		Age: ages(0, 191), Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: sitePh, Timing: OfficeHours,
		Languages: allLangs, Application: "Ohne Termin während der Sprechzeiten. Bitte mitbringen: Personalausweis."},
	{Key: "kinderschutz-beratung", Title: "Kinderschutz-Beratung für Fachkräfte und Eltern",
		Sentences: []string{"Insoweit erfahrene Fachkräfte beraten, wenn Sie sich Sorgen um das Wohl eines Kindes machen.",
			"Die Beratung nach § 8a SGB VIII ist auch anonym möglich.",
			"Fachkräfte aus Kita, Schule und Vereinen bekommen Unterstützung bei der Gefährdungseinschätzung."},
		Kinds: []string{"jugendamt", "beratungsstelle"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10", "age_10_16"},
		Fields: []string{"early_help", "youth_welfare"}, TargetGroups: []string{"all_families"}, Age: ages(0, 191),
		Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: []string{catalog.DeliveryPhone, catalog.DeliveryOnSite},
		Timing: OfficeHours, Languages: []string{"en"}, Application: "Rufen Sie an; die Beratung kann anonym bleiben."},
	{Key: "unterhaltsvorschuss", Title: "Unterhaltsvorschuss und Beistandschaft",
		Sentences: []string{"Alleinerziehende, die keinen oder zu wenig Unterhalt bekommen, können Unterhaltsvorschuss beantragen.",
			"Die Beistandschaft hilft, Unterhalt festzustellen und durchzusetzen.",
			"Wir beraten Sie auch zur Vaterschaftsanerkennung und zum Sorgerecht."},
		Kinds: []string{"jugendamt"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10", "age_10_16", "school_to_work"},
		Fields: []string{"material", "youth_welfare"}, TargetGroups: []string{"single_parents"}, Age: ages(0, 215),
		Cost: catalog.CostFree, Access: catalog.AccessRegistration, Delivery: sitePh, Timing: OfficeHours,
		Languages:   []string{"en", "tr", "ar"},
		Application: "Bitte mitbringen: Geburtsurkunde des Kindes, Personalausweis, Nachweise über Unterhaltszahlungen."},
	{Key: "ferienprogramm", Title: "Ferienprogramm in den Herbstferien",
		Sentences: []string{"In den Ferien gibt es Ausflüge, Werkstätten, Sport und Spiel für Schulkinder.",
			"Die Angebote finden in Jugendzentren, Vereinen und Museen der Stadt statt.",
			"Für Familien mit geringem Einkommen ist die Teilnahme kostenlos.",
			"Die Plätze werden nach Eingang der Anmeldung vergeben."},
		Kinds: []string{"jugendamt", "verein"}, Phases: []string{"age_6_10", "age_10_16"}, Fields: []string{"leisure"},
		TargetGroups: []string{"all_families", "poverty"}, Age: ages(72, 167), Cost: catalog.CostReduced,
		CostNote: "5 € pro Tag, mit Familienpass oder BuT kostenlos", Access: catalog.AccessRegistration,
		Delivery: siteOnl, Timing: Dated, Languages: []string{"en", "uk"},
		Application: "Online-Anmeldung. Bitte mitbringen: Lunchpaket, wetterfeste Kleidung."},
	{Key: "pflegekinderdienst", Title: "Pflegekinderdienst – Pflegefamilie werden",
		Sentences: []string{"Der Pflegekinderdienst sucht Familien, die einem Kind auf Zeit oder auf Dauer ein Zuhause geben.",
			"Wir bereiten Sie in einem Vorbereitungskurs vor und begleiten Sie danach.",
			"Pflegefamilien erhalten Pflegegeld und Beratung."},
		Kinds: []string{"jugendamt"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10", "age_10_16"},
		Fields: []string{"youth_welfare"}, TargetGroups: []string{"foster_families"}, Age: ages(0, 191),
		Cost: catalog.CostFree, Access: catalog.AccessRegistration, Delivery: sitePh, Timing: OfficeHours,
		Application: "Vereinbaren Sie einen Termin für ein erstes Gespräch."},

	// Gesundheitsamt
	{Key: "familienhebamme", Title: "Familienhebamme (aufsuchend)",
		Sentences: []string{"Familienhebammen und Familien-Gesundheits- und Kinderkrankenpflegerinnen besuchen Familien bis zum ersten Geburtstag des Kindes zu Hause.",
			"Sie unterstützen bei Pflege, Ernährung und Entwicklung des Babys und bei Belastungen im Alltag.",
			"Das Angebot der Frühen Hilfen ist freiwillig und kostenlos.",
			"Auch eine Vermittlung durch Klinik, Ärztin oder Jugendamt ist möglich."},
		Kinds: []string{"gesundheitsamt"}, Phases: []string{"pregnancy", "age_0_3"}, Fields: []string{"early_help", "health"},
		TargetGroups: []string{"young_parents", "single_parents", "poverty", "migration"}, Age: ages(0, 12),
		Cost: catalog.CostFree, Access: catalog.AccessRegistration, Delivery: outreach, Timing: OfficeHours, Languages: migLangs,
		Application: "Melden Sie sich telefonisch; wir vereinbaren einen ersten Hausbesuch."},
	{Key: "schuleingangsuntersuchung", Title: "Schuleingangsuntersuchung",
		Sentences: []string{"Vor der Einschulung untersucht der Kinder- und Jugendärztliche Dienst alle Kinder.",
			"Geprüft werden Sehen, Hören, Sprache, Motorik und der Impfstatus.",
			"Die Eltern bekommen eine Empfehlung für eventuell nötige Förderung vor Schulbeginn."},
		Kinds: []string{"gesundheitsamt"}, Phases: []string{"age_3_6"}, Fields: []string{"health", "education"},
		TargetGroups: []string{"all_families"}, Transitions: []string{"kita_school"}, Age: ages(60, 71), Cost: catalog.CostFree,
		Access: catalog.AccessRegistration, Delivery: site, Timing: OfficeHours, Languages: migLangs,
		Application: "Sie erhalten eine Einladung. Bitte mitbringen: gelbes Heft, Impfpass, Brille (falls vorhanden)."},
	{Key: "zahnprophylaxe", Title: "Zahnprophylaxe in Kita und Grundschule",
		Sentences: []string{"Die Zahnärztinnen des Gesundheitsamtes besuchen Kitas und Grundschulen.",
			"Die Kinder lernen spielerisch Zähneputzen und gesunde Ernährung.",
			"Eltern erhalten einen Befundbogen mit Empfehlungen."},
		Kinds: []string{"gesundheitsamt"}, Phases: []string{"age_3_6", "age_6_10"}, Fields: []string{"health"},
		TargetGroups: []string{"all_families"}, Age: ages(36, 119), Cost: catalog.CostFree, Access: catalog.AccessOpen,
		Delivery: []string{catalog.DeliveryOutreach}, Timing: OfficeHours,
		Application: "Die Untersuchung findet in der Einrichtung statt; Eltern werden vorher informiert."},
	{Key: "saeuglingssprechstunde", Title: "Säuglingssprechstunde und Stillberatung",
		Sentences: []string{"Kinderkrankenschwestern wiegen und messen Ihr Baby und beraten zu Stillen, Schlafen und Beikost.",
			"Die Sprechstunde ist offen für alle Eltern mit Säuglingen.",
			"Bei Bedarf vermitteln wir weitere Hilfen der Frühen Hilfen."},
		Kinds: []string{"gesundheitsamt", "klinik"}, Phases: []string{"age_0_3"}, Fields: []string{"health", "early_help"},
		TargetGroups: []string{"all_families", "young_parents"}, Age: ages(0, 12), Cost: catalog.CostFree,
		Access: catalog.AccessOpen, Delivery: site, Timing: Weekly, Languages: []string{"ar", "tr", "ru"},
		Application: "Ohne Anmeldung. Bitte mitbringen: gelbes Heft und eine Windel."},

	// Familienbüro
	{Key: "willkommensbesuch", Title: "Willkommensbesuch für Neugeborene",
		Sentences: []string{"Alle Familien mit einem neugeborenen Kind erhalten einen Brief mit dem Angebot eines Willkommensbesuchs.",
			"Eine Mitarbeiterin des Familienbüros besucht Sie zu Hause und bringt ein Begrüßungspaket mit.",
			"Sie erfahren, welche Angebote es für Familien im Stadtteil gibt.",
			"Der Besuch ist freiwillig; Sie können ihn auch im Familienbüro wahrnehmen."},
		Kinds: []string{"familienbuero"}, Phases: []string{"age_0_3"}, Fields: []string{"early_help", "family_education"},
		TargetGroups: []string{"all_families"}, Age: ages(0, 6), Cost: catalog.CostFree, Access: catalog.AccessOpen,
		Delivery: []string{catalog.DeliveryOutreach}, Timing: OfficeHours, Languages: allLangs,
		Application: "Sie bekommen nach der Geburt einen Brief mit Terminvorschlag."},
	{Key: "kindertagespflege", Title: "Vermittlung Kindertagespflege und Kita-Beratung",
		Sentences: []string{"Das Familienbüro berät zu Krippe, Kita und Kindertagespflege und vermittelt freie Plätze.",
			"Wir helfen bei der Anmeldung im Kita-Portal.",
			"Für Randzeiten suchen wir mit Ihnen eine passende Tagespflegeperson."},
		Kinds: []string{"familienbuero"}, Phases: []string{"age_0_3", "age_3_6"}, Fields: []string{"work_life", "youth_welfare"},
		TargetGroups: []string{"all_families", "single_parents"}, Transitions: []string{"family_kita"}, Age: ages(0, 71),
		Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: sitePh, Timing: OfficeHours, Languages: allLangs,
		Application: "Bitte mitbringen: Geburtsurkunde und, wenn vorhanden, eine Arbeitgeberbescheinigung."},
	{Key: "notfallbetreuung", Title: "Notfallbetreuung für Kinder berufstätiger Eltern",
		Sentences: []string{"Wenn die Kita geschlossen ist oder die Tagesmutter krank wird, springen qualifizierte Betreuungskräfte ein.",
			"Die Betreuung findet bei Ihnen zu Hause oder in unseren Räumen statt.",
			"Das Angebot entstand im Bündnis für Familie mit Arbeitgebern der Stadt."},
		Kinds: []string{"familienbuero"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10"}, Fields: []string{"work_life"},
		TargetGroups: []string{"single_parents", "all_families"}, Age: ages(6, 119), Cost: catalog.CostFee,
		CostNote: "9 € pro Stunde, über teilnehmende Arbeitgeber kostenlos", Access: catalog.AccessRegistration,
		Delivery: []string{catalog.DeliveryOutreach, catalog.DeliveryOnSite}, Timing: OfficeHours, Languages: []string{"en"},
		Application: "Vorab registrieren; im Notfall bis 7:30 Uhr anrufen."},
	{Key: "pflege-beruf", Title: "Beratung Vereinbarkeit von Beruf und Pflege",
		Sentences: []string{"Wer Kinder erzieht und zugleich Angehörige pflegt, bekommt hier Rat zu Pflegezeit, Familienpflegezeit und Entlastung.",
			"Wir kennen die Pflegestützpunkte und Entlastungsangebote der Stadt.",
			"Termine sind auch am frühen Abend möglich."},
		Kinds: []string{"familienbuero"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10", "age_10_16"},
		Fields: []string{"work_life", "social"}, TargetGroups: []string{"carers"}, Cost: catalog.CostFree,
		Access: catalog.AccessRegistration, Delivery: []string{catalog.DeliveryOnSite, catalog.DeliveryPhone, catalog.DeliveryOnline},
		Timing: OfficeHours, Languages: []string{"en", "pl"}, Application: "Termin telefonisch oder per E-Mail vereinbaren."},
	{Key: "familienpass", Title: "Familienpass",
		Sentences: []string{"Mit dem Familienpass zahlen Familien mit geringem Einkommen weniger für Schwimmbad, Museum, Musikschule und Ferienprogramm.",
			"Der Pass gilt für alle Kinder im Haushalt.",
			"Den Antrag stellen Sie im Familienbüro."},
		Kinds: []string{"familienbuero"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10", "age_10_16", "school_to_work"},
		Fields: []string{"material", "leisure"}, TargetGroups: []string{"poverty", "single_parents"}, Age: ages(0, 215),
		Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: site, Timing: OfficeHours, Languages: allLangs,
		Application: "Bitte mitbringen: Bescheid über Bürgergeld, Wohngeld oder Kinderzuschlag und Personalausweis."},

	// Jobcenter
	{Key: "but-lernfoerderung", Title: "Lernförderung aus dem Bildungs- und Teilhabepaket",
		Sentences: []string{"Schülerinnen und Schüler aus Familien mit Bürgergeld, Wohngeld oder Kinderzuschlag können kostenlose Nachhilfe erhalten.",
			"Die Schule bestätigt den Förderbedarf.",
			"Wir helfen beim Antrag und nennen Anbieter in der Nähe."},
		Kinds: []string{"jobcenter"}, Phases: []string{"age_6_10", "age_10_16", "school_to_work"}, Fields: []string{"education", "material"},
		TargetGroups: []string{"poverty"}, Age: ages(72, 251), Cost: catalog.CostFree, Access: catalog.AccessRegistration,
		Delivery: sitePh, Timing: OfficeHours, Languages: allLangs,
		Application: "Bitte mitbringen: Bestätigung der Schule, Leistungsbescheid."},
	{Key: "schulstarter", Title: "Schulstarter-Paket und Schulbedarf",
		Sentences: []string{"Zum Schulstart gibt es für Kinder aus Familien mit geringem Einkommen Geld für Ranzen, Hefte und Stifte.",
			"Das Schulstarter-Paket wird im August und Februar ausgezahlt.",
			"Für Familien mit Bürgergeld ist kein gesonderter Antrag nötig."},
		Kinds: []string{"jobcenter"}, Phases: []string{"age_3_6", "age_6_10"}, Fields: []string{"material"},
		TargetGroups: []string{"poverty", "single_parents"}, Transitions: []string{"kita_school"}, Age: ages(66, 119),
		Cost: catalog.CostFree, Access: catalog.AccessRegistration, Delivery: []string{catalog.DeliveryOnSite, catalog.DeliveryOnline},
		Timing: OfficeHours, Languages: allLangs,
		Application: "Bitte mitbringen: Schulbescheinigung und Leistungsbescheid."},
	{Key: "jugendberufsagentur", Title: "Jugendberufsagentur – Beratung unter 25",
		Sentences: []string{"Jobcenter, Agentur für Arbeit und Jugendhilfe beraten junge Menschen unter einem Dach.",
			"Es geht um Ausbildung, Studium, Geld und Wohnen.",
			"Auch Jugendliche ohne Schulabschluss finden hier einen Weg."},
		Kinds: []string{"jobcenter"}, Phases: []string{"school_to_work"}, Fields: []string{"social", "education"},
		TargetGroups: []string{"all_families", "poverty", "migration"}, Transitions: []string{"school_work"}, Age: ages(192, 299),
		Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: sitePh, Timing: OfficeHours, Languages: allLangs,
		Application: "Ohne Termin. Bitte mitbringen: Lebenslauf und letztes Zeugnis, falls vorhanden."},
	{Key: "bewerbungstraining", Title: "Bewerbungstraining für Jugendliche",
		Sentences: []string{"In kleinen Gruppen schreiben Jugendliche ihre Bewerbung und üben Vorstellungsgespräche.",
			"Ein Fotograf macht kostenlose Bewerbungsfotos.",
			"Zum Abschluss gibt es ein Feedback von Ausbilderinnen aus Betrieben der Region."},
		Kinds: []string{"jobcenter", "verein"}, Phases: []string{"school_to_work"}, Fields: []string{"education", "social"},
		TargetGroups: []string{"all_families", "migration"}, Transitions: []string{"school_work"}, Age: ages(192, 299),
		Cost: catalog.CostFree, Access: catalog.AccessRegistration, Delivery: site, Timing: Dated, Languages: []string{"en", "ar"},
		Application: "Bitte mitbringen: Lebenslauf (auch unfertig) und Zeugnisse als Kopie."},

	// Beratungsstelle
	{Key: "erziehungsberatung", Title: "Erziehungsberatung",
		Sentences: []string{"Die Erziehungsberatung hilft Eltern, Kindern und Jugendlichen bei Fragen der Erziehung, bei Trennung und Scheidung und in Krisen.",
			"Psychologinnen und Sozialpädagogen beraten kostenlos und vertraulich.",
			"Termine gibt es meist innerhalb von zwei Wochen.",
			"Die Beratung ist auch per Video möglich."},
		Kinds: []string{"beratungsstelle"}, Phases: []string{"age_3_6", "age_6_10", "age_10_16", "school_to_work"},
		Fields: []string{"family_education", "youth_welfare"}, TargetGroups: []string{"all_families", "single_parents"},
		Age: ages(36, 251), Cost: catalog.CostFree, Access: catalog.AccessRegistration,
		Delivery: []string{catalog.DeliveryOnSite, catalog.DeliveryOnline, catalog.DeliveryPhone}, Timing: OfficeHours,
		Languages: []string{"en", "tr", "ru"}, Application: "Melden Sie sich telefonisch oder per E-Mail an."},
	{Key: "schwangerschaftsberatung", Title: "Schwangerschaftsberatung",
		Sentences: []string{"Wir beraten Schwangere und Paare zu allen Fragen rund um Schwangerschaft, Mutterschutz und Elterngeld.",
			"Bei finanziellen Sorgen helfen wir beim Antrag an die Bundesstiftung Mutter und Kind.",
			"Auch die Schwangerschaftskonfliktberatung nach § 219 StGB bieten wir an."},
		Kinds: []string{"beratungsstelle"}, Phases: []string{"pregnancy"}, Fields: []string{"family_education", "material"},
		TargetGroups: []string{"young_parents", "poverty", "all_families"}, Cost: catalog.CostFree, Access: catalog.AccessRegistration,
		Delivery: sitePh, Timing: OfficeHours, Languages: []string{"en", "ar", "fa", "uk"},
		Application: "Bitte mitbringen: Mutterpass und, für Anträge, Einkommensnachweise."},
	{Key: "schuldnerberatung", Title: "Schuldnerberatung für Familien",
		Sentences: []string{"Die Schuldnerberatung verschafft Familien einen Überblick über ihre Schulden und verhandelt mit Gläubigern.",
			"Wir sichern das Existenzminimum, zum Beispiel über ein Pfändungsschutzkonto.",
			"Die Beratung ist kostenlos."},
		Kinds: []string{"beratungsstelle"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10", "age_10_16", "school_to_work"},
		Fields: []string{"material", "social"}, TargetGroups: []string{"poverty", "single_parents"}, Cost: catalog.CostFree,
		Access: catalog.AccessRegistration, Delivery: sitePh, Timing: OfficeHours, Languages: []string{"tr", "ru"},
		Application: "Bitte mitbringen: Briefe von Gläubigern, Kontoauszüge der letzten drei Monate."},
	{Key: "fruehfoerderung", Title: "Frühförderung und Entwicklungsberatung",
		Sentences: []string{"Die Frühförderstelle berät Eltern, deren Kind sich langsamer entwickelt oder eine Behinderung hat.",
			"Heilpädagoginnen fördern Kinder zu Hause, in der Kita oder in unseren Räumen.",
			"Die Kosten übernehmen Krankenkasse und Eingliederungshilfe."},
		Kinds: []string{"beratungsstelle", "klinik"}, Phases: []string{"age_0_3", "age_3_6"}, Fields: []string{"health", "social"},
		TargetGroups: []string{"disability"}, Age: ages(0, 71), Cost: catalog.CostFree, Access: catalog.AccessReferral,
		Delivery: []string{catalog.DeliveryOnSite, catalog.DeliveryOutreach}, Timing: OfficeHours, Languages: []string{"en", "tr"},
		Application: "Bitte mitbringen: Überweisung der Kinderärztin und vorhandene Befunde."},

	// Klinik
	{Key: "infoabend-geburt", Title: "Infoabend für werdende Eltern mit Kreißsaalführung",
		Sentences: []string{"Hebammen und Ärztinnen der Geburtsklinik stellen Kreißsaal, Wochenstation und Kinderklinik vor.",
			"Sie beantworten Fragen zu Schmerzlinderung, Kaiserschnitt und Anmeldung zur Geburt.",
			"Im Anschluss ist eine Führung durch den Kreißsaal möglich."},
		Kinds: []string{"klinik"}, Phases: []string{"pregnancy"}, Fields: []string{"health"},
		TargetGroups: []string{"all_families", "fathers"}, Cost: catalog.CostFree, Access: catalog.AccessOpen,
		Delivery: []string{catalog.DeliveryOnSite, catalog.DeliveryOnline}, Timing: Dated, Languages: []string{"en"},
		Application: "Ohne Anmeldung; Treffpunkt im Foyer der Frauenklinik."},
	{Key: "babylotse", Title: "Babylotsin in der Geburtsklinik",
		Sentences: []string{"Die Babylotsin spricht nach der Geburt mit allen Eltern über ihre Situation zu Hause.",
			"Wenn Unterstützung gebraucht wird, stellt sie den Kontakt zu Frühen Hilfen, Familienhebammen und Beratungsstellen her.",
			"Das Gespräch ist freiwillig und vertraulich."},
		Kinds: []string{"klinik"}, Phases: []string{"pregnancy", "age_0_3"}, Fields: []string{"early_help", "social"},
		TargetGroups: []string{"all_families", "young_parents", "migration"}, Age: ages(0, 2), Cost: catalog.CostFree,
		Access: catalog.AccessOpen, Delivery: site, Timing: OfficeHours, Languages: migLangs,
		Application: "Die Babylotsin kommt auf der Wochenstation zu Ihnen."},
	{Key: "kjp-sprechstunde", Title: "Kinder- und jugendpsychiatrische Sprechstunde",
		Sentences: []string{"Die Institutsambulanz hilft Kindern und Jugendlichen mit Ängsten, Depressionen, ADHS oder Essstörungen.",
			"Nach einem Erstgespräch planen wir Diagnostik und Behandlung.",
			"Eltern werden eng einbezogen."},
		Kinds: []string{"klinik"}, Phases: []string{"age_6_10", "age_10_16"}, Fields: []string{"health"},
		TargetGroups: []string{"all_families", "disability"}, Age: ages(72, 191), Cost: catalog.CostFree,
		CostNote: "Leistung der Krankenkasse", Access: catalog.AccessReferral, Delivery: site, Timing: OfficeHours,
		Languages: []string{"en", "tr"}, Application: "Bitte mitbringen: Überweisung, Versichertenkarte und Zeugnisse."},

	// Verein
	{Key: "kinderturnen", Title: "Kinderturnen und Ballschule",
		Sentences: []string{"Im Verein turnen, klettern und spielen Kinder in altersgerechten Gruppen.",
			"Die Übungsleiterinnen haben eine Lizenz für Kinderturnen.",
			"Zwei Probetrainings sind kostenlos.",
			"Der Mitgliedsbeitrag kann über das Bildungs- und Teilhabepaket bezahlt werden."},
		Kinds: []string{"verein"}, Phases: []string{"age_3_6", "age_6_10"}, Fields: []string{"leisure", "health"},
		TargetGroups: []string{"all_families", "disability"}, Age: ages(36, 119), Cost: catalog.CostFee,
		CostNote: "Mitgliedsbeitrag 8 € im Monat, BuT möglich", Access: catalog.AccessRegistration, Delivery: site,
		Timing: Weekly, Languages: []string{"en", "tr"}, Application: "Bitte mitbringen: Turnschuhe und etwas zu trinken."},
	{Key: "musikalische-frueherziehung", Title: "Musikalische Früherziehung",
		Sentences: []string{"Kinder entdecken Rhythmus, Lieder und erste Instrumente.",
			"Die Gruppen treffen sich einmal pro Woche für 45 Minuten.",
			"Mit dem Familienpass gibt es eine Ermäßigung."},
		Kinds: []string{"verein"}, Phases: []string{"age_3_6"}, Fields: []string{"leisure", "education"},
		TargetGroups: []string{"all_families"}, Age: ages(48, 71), Cost: catalog.CostFee,
		CostNote: "28 € im Monat, mit Familienpass 14 €", Access: catalog.AccessRegistration, Delivery: site, Timing: Weekly,
		Application: "Anmeldung im Büro der Musikschule, Probestunde nach Absprache."},
	{Key: "jugendtreff", Title: "Offener Jugendtreff",
		Sentences: []string{"Der Jugendtreff ist nachmittags und abends offen für alle ab zehn Jahren.",
			"Es gibt Kicker, Billard, eine Musikwerkstatt und einen Garten.",
			"Die Sozialarbeiterinnen haben ein offenes Ohr für Sorgen und helfen bei Bewerbungen.",
			"In den Ferien gibt es Fahrten und Projekte."},
		Kinds: []string{"verein", "jugendamt"}, Phases: []string{"age_10_16", "school_to_work"}, Fields: []string{"leisure", "youth_welfare"},
		TargetGroups: []string{"all_families", "migration", "poverty"}, Age: ages(120, 251), Cost: catalog.CostFree,
		Access: catalog.AccessOpen, Delivery: site, Timing: Weekly, Languages: []string{"ar", "tr", "ru"},
		Application: "Einfach vorbeikommen."},
	{Key: "ausbildungslotsen", Title: "Ausbildungslotsen",
		Sentences: []string{"Ehrenamtliche Lotsinnen und Lotsen begleiten Jugendliche ein Jahr lang auf dem Weg in die Ausbildung.",
			"Sie helfen bei Bewerbungen, Praktika und dem ersten Ausbildungsjahr.",
			"Die Begleitung ist kostenlos und freiwillig."},
		Kinds: []string{"verein"}, Phases: []string{"age_10_16", "school_to_work"}, Fields: []string{"youth_welfare", "education"},
		TargetGroups: []string{"migration", "all_families"}, Transitions: []string{"school_work"}, Age: ages(168, 299),
		Cost: catalog.CostFree, Access: catalog.AccessRegistration, Delivery: []string{catalog.DeliveryOnSite, catalog.DeliveryPhone},
		Timing: OfficeHours, Languages: []string{"ar", "fa", "uk"}, Application: "Melden Sie sich über die Schule oder direkt bei uns."},
	{Key: "kleiderkammer", Title: "Kinderkleiderkammer und Familienfrühstück",
		Sentences: []string{"In der Kinderkleiderkammer gibt es gut erhaltene Kleidung, Schuhe und Spielzeug für einen symbolischen Euro.",
			"Samstags lädt der Verein zum Familienfrühstück ein.",
			"Spenden nehmen wir während der Öffnungszeiten an."},
		Kinds: []string{"verein"}, Phases: []string{"age_0_3", "age_3_6", "age_6_10"}, Fields: []string{"material", "social"},
		TargetGroups: []string{"poverty", "migration", "single_parents"}, Age: ages(0, 119), Cost: catalog.CostReduced,
		CostNote: "1 € pro Teil", Access: catalog.AccessOpen, Delivery: site, Timing: Weekly, Languages: []string{"uk", "ar"},
		Application: "Bitte mitbringen: eine Tasche."},

	// Familienbildungsstätte
	{Key: "pekip", Title: "Spielgruppe nach dem Prager Eltern-Kind-Programm",
		Sentences: []string{"Eltern und Babys im ersten Lebensjahr treffen sich wöchentlich in einem warmen Raum.",
			"Anregungen für Bewegung und Spiel folgen der Entwicklung der Babys.",
			"Die Eltern tauschen sich über ihren Alltag aus."},
		Kinds: []string{"familienbildungsstaette"}, Phases: []string{"age_0_3"}, Fields: []string{"family_education", "health"},
		TargetGroups: []string{"all_families"}, Age: ages(1, 12), Cost: catalog.CostFee, CostNote: "85 € für zehn Termine",
		Access: catalog.AccessRegistration, Delivery: site, Timing: Weekly,
		Application: "Bitte mitbringen: ein Handtuch und warme Socken."},
	{Key: "kochkurs-familie", Title: "Gesund und günstig kochen mit Kindern",
		Sentences: []string{"Eltern und Kinder kochen gemeinsam einfache, gesunde Gerichte für wenig Geld.",
			"Die Rezepte gibt es zum Mitnehmen.",
			"Der Kurs wird von der Krankenkasse gefördert."},
		Kinds: []string{"familienbildungsstaette", "familienzentrum"}, Phases: []string{"age_6_10", "age_10_16"},
		Fields: []string{"health", "family_education"}, TargetGroups: []string{"poverty", "all_families"}, Age: ages(72, 167),
		Cost: catalog.CostReduced, CostNote: "5 € pro Familie", Access: catalog.AccessRegistration, Delivery: site, Timing: Dated,
		Application: "Bitte mitbringen: Schürze und Vorratsdosen."},
}

// TemplatesOf returns the templates an organization of kind runs, its core offer first.
func TemplatesOf(kind string) []OfferTemplate {
	var out []OfferTemplate
	for _, t := range Templates {
		if has(t.Kinds, kind) {
			out = append(out, t)
		}
	}
	return out
}

// OrgKinds are the organization kinds with their share of the organizations of a Kommune in the national
// generator (per mille). City-wide kinds (Jugendamt, Gesundheitsamt …) appear once per Kommune in the demo.
var OrgKinds = []struct {
	Kind     string
	PerMille int
}{
	{"kita", 260}, {"schule", 170}, {"familienzentrum", 110}, {"verein", 140}, {"kinderarztpraxis", 90},
	{"hebamme", 60}, {"beratungsstelle", 60}, {"familienbildungsstaette", 25}, {"klinik", 20}, {"jugendamt", 20},
	{"gesundheitsamt", 15}, {"familienbuero", 15}, {"jobcenter", 15},
}

// Names of organizations; %s is a place (Kommune or Sozialraum).
var (
	KitaNames = []string{"Kita Sonnenblume", "Kita Regenbogen", "Kita Pusteblume", "Ev. Kita St. Martin", "Kita Löwenzahn",
		"AWO-Kita Kleine Strolche", "Kita Spatzennest", "Kita Wirbelwind", "Kita Zwergenland", "Kita Abenteuerland",
		"Kita Kunterbunt", "Kath. Kita St. Josef", "Kita Villa Kunterbunt", "Kita Sternschnuppe", "DRK-Kita Rasselbande",
		"Kita Schatzkiste", "Kita Am Mühlenbach", "Kita Marienkäfer", "Kita Waldwichtel", "Kita Purzelbaum"}
	SchoolPatterns = []string{"Grundschule %s", "Grundschule Am Lindenhof", "Oberschule %s", "IGS %s", "Grundschule An der Heide",
		"Grundschule Auf dem Berge", "Grundschule Im Kamp", "Grundschule Am Wasserturm", "Grundschule Wilhelm Busch",
		"Astrid-Lindgren-Grundschule", "Erich-Kästner-Schule", "Grundschule Am Park"}
	Doctors = []string{"Dr. med. Anna Schulte", "Dr. med. Mehmet Yılmaz", "Dr. med. Katharina Behrens", "Dr. med. Jan Hoffmann",
		"Dr. med. Olga Petrenko", "Dr. med. Friederike Lange", "Dr. med. Stefan Brandt", "Dr. med. Leyla Demir",
		"Dr. med. Thomas Kruse", "Dr. med. Sabine Wolters", "Dr. med. Ahmad Rahimi", "Dr. med. Julia Heinemann",
		"Dr. med. Peter Janssen", "Dr. med. Maria Nowak", "Dr. med. Hanna Ehlers"}
	MidwifeNames = []string{"Hebammenpraxis Storchennest", "Hebammenpraxis Kugelrund", "Hebammenteam Lebensbogen",
		"Hebammenpraxis Nestwärme", "Hebammenpraxis Bauchgefühl", "Hebammengemeinschaft Sternenkind", "Hebammenpraxis Wurzelwerk",
		"Hebammenpraxis Mondschein"}
	ClubPatterns = []string{"TSV %s von 1890 e.V.", "Kinderschutzbund Ortsverband %s e.V.", "Verein für Jugendarbeit %s e.V.",
		"Musikschule %s e.V.", "Ausbildungslotsen %s e.V.", "SV Blau-Weiß %s e.V.", "Nachbarschaftshilfe %s e.V.",
		"Kinder- und Jugendfarm %s e.V."}
	CounsellingPatterns = []string{"Erziehungsberatungsstelle %s", "Schwangerschaftsberatung Diakonie %s",
		"Schuldnerberatung Caritas %s", "Frühförderstelle Lebenshilfe %s", "Familien- und Lebensberatung %s"}
	ClinicPatterns     = []string{"Klinikum %s – Frauen- und Kinderklinik", "Kinderkrankenhaus %s", "Sozialpädiatrisches Zentrum %s"}
	CentrePatterns     = []string{"Familienzentrum %s", "Familienzentrum Kita %s", "Kinder- und Familienzentrum %s", "Stadtteiltreff und Familienzentrum %s"}
	StreetNames        = []string{"Hauptstraße", "Bahnhofstraße", "Schulstraße", "Lindenallee", "Am Markt", "Kirchweg", "Gartenstraße", "Bergstraße", "Mühlenweg", "Friedrichstraße", "Wilhelmstraße", "Am Anger", "Birkenweg", "Eichendorffstraße", "Goethestraße", "Schillerstraße", "Rosenstraße", "Lessingstraße", "Kastanienallee", "Am Sportplatz", "Breite Straße", "Feldstraße", "Parkstraße", "Ringstraße"}
	AccessibilityTexts = []string{"Ebenerdiger Eingang, barrierefreies WC im Erdgeschoss.",
		"Eingang mit Rampe, Aufzug in alle Etagen, Behindertenparkplatz vor dem Haus.",
		"Drei Stufen am Eingang, Klingel für Hilfe vorhanden; Kinderwagen können im Flur abgestellt werden.",
		"Beratungsräume im 1. Stock ohne Aufzug; Termine im Erdgeschoss auf Anfrage.",
		"Stufenloser Zugang über den Hof, Wickelraum vorhanden.",
		"Altbau mit Treppenhaus; Kinderwagenstellplatz im Erdgeschoss."}
	// AreaSuffixes name the Sozialräume of generated Kommunen.
	AreaSuffixes = []string{"Mitte", "Nord", "Süd", "Ost", "West", "Nordost", "Nordwest", "Südost", "Südwest", "Altstadt",
		"Neustadt", "Am Bahnhof", "Hafen", "Heide", "Feldmark", "Am Wald", "Bruch", "Kamp", "Brink", "Hagen", "Au",
		"Flur", "Siedlung", "Vorstadt", "Ring"}
)

// Slug turns a name into a host-name label: lower case, umlauts spelled out, other characters as dashes.
func Slug(s string) string {
	r := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue", "ı", "i")
	s = strings.ToLower(r.Replace(s))
	var b strings.Builder
	dash := false
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 50 {
		out = strings.TrimSuffix(out[:50], "-")
	}
	return out
}
