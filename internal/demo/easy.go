package demo

// easySummaries are the demo's Leichte-Sprache summaries by offer template: short sentences, one thought
// each, long words split with the Mediopunkt as the rules of Leichte Sprache suggest. Only the demo sets them
// (not the national generator), so a handful of kinds of offers show the box "In Leichter Sprache".
var easySummaries = map[string]string{
	"hebammensprechstunde": "Sie bekommen ein Baby. Oder Ihr Baby ist schon da.\n" +
		"Dann haben Sie vielleicht Fragen.\n" +
		"Eine Hebamme hilft Ihnen.\n" +
		"Sie können einfach kommen. Sie brauchen keinen Termin.\n" +
		"Das kostet nichts.\n" +
		"Bringen Sie den Mutter·pass mit.",
	"erziehungsberatung": "Manchmal gibt es Streit in der Familie.\n" +
		"Oder Sie machen sich Sorgen um Ihr Kind.\n" +
		"Dann können Sie mit uns sprechen.\n" +
		"Wir hören Ihnen zu. Wir suchen mit Ihnen eine Lösung.\n" +
		"Wir erzählen niemandem davon.\n" +
		"Die Beratung kostet nichts.\n" +
		"Rufen Sie uns an. Dann machen wir einen Termin.",
	"familienpass": "Mit dem Familien·pass bezahlen Sie weniger.\n" +
		"Zum Beispiel im Schwimm·bad oder im Museum.\n" +
		"Den Pass bekommen Familien mit wenig Geld.\n" +
		"Sie stellen einen Antrag. Wir helfen Ihnen dabei.\n" +
		"Bringen Sie Ihren Ausweis mit.",
	"willkommensbesuch": "Ihr Baby ist geboren. Herzlichen Glückwunsch!\n" +
		"Wir besuchen Sie gern zu Hause.\n" +
		"Wir bringen Infos und ein kleines Geschenk mit.\n" +
		"Wir sagen Ihnen: Hier gibt es Hilfe für Familien.\n" +
		"Der Besuch kostet nichts.\n" +
		"Sie können auch Nein sagen.",
	"schuldnerberatung": "Sie haben Schulden?\n" +
		"Sie können Rechnungen nicht mehr bezahlen?\n" +
		"Dann helfen wir Ihnen.\n" +
		"Wir schauen zusammen auf Ihr Geld.\n" +
		"Wir machen einen Plan.\n" +
		"Die Beratung kostet nichts.\n" +
		"Bringen Sie Ihre Briefe und Rechnungen mit.",
}
