// Package german is the text analysis of Kette's search: it turns German text into the terms the index stores
// and a query into the terms it looks up, the same way on both sides.
//
//   - Case and umlaut folding: lower case, ä→ae, ö→oe, ü→ue, ß→ss, and accents of other Latin letters dropped
//     (é→e), so "Frühförderung", "Fruehfoerderung" and "FRÜHFÖRDERUNG" are one word. Folding to "ae" rather than
//     "a" keeps "Bär" and "Bar" apart and matches how people type without umlauts.
//   - Stop words: the Snowball German stop list (folded), so "für", "und", "die" neither match nor score.
//   - Stemming: the Snowball German stemmer from github.com/blevesearch/snowballstem (a generated, tested port
//     of the reference Snowball algorithm; kljensen/snowball has no German), so "Kurse" and "Kurs" meet.
//
// Compound words and typos are handled by the index against its own vocabulary (see package search), because
// both need to know which words exist.
package german

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/german"
)

// Fold lower-cases s and folds umlauts, ß and accents. Characters other than letters and digits become spaces.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if r < utf8.RuneSelf {
			switch {
			case r >= 'A' && r <= 'Z':
				b.WriteByte(byte(r) + 'a' - 'A')
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
				b.WriteByte(byte(r))
			default:
				b.WriteByte(' ')
			}
			continue
		}
		writeFolded(&b, r)
	}
	return b.String()
}

func writeFolded(b *strings.Builder, r rune) {
	r = unicode.ToLower(r)
	if f, ok := folds[r]; ok {
		b.WriteString(f)
		return
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		b.WriteRune(r) // other scripts (Turkish, Arabic, Cyrillic) stay, lower-cased
		return
	}
	b.WriteByte(' ')
}

// folds maps the non-ASCII Latin letters that occur in German text, and names in it, to ASCII.
var folds = map[rune]string{
	'ä': "ae", 'ö': "oe", 'ü': "ue", 'ß': "ss", 'ẞ': "ss",
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ø': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ý': "y", 'ÿ': "y", 'ğ': "g", 'ı': "i", 'ş': "s", 'č': "c", 'ć': "c",
	'š': "s", 'ž': "z", 'ł': "l", 'ń': "n", 'ś': "s", 'ź': "z", 'ż': "z", 'ę': "e", 'ą': "a",
}

// Words splits folded text into words, dropping single characters and stop words.
func Words(text string) []string {
	fields := strings.Fields(Fold(text))
	out := fields[:0]
	for _, w := range fields {
		if len(w) > 1 && !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// Stem returns the stem of a folded word: the Snowball German stem, repeated until it stays the same, of the
// word without a loanword plural s. Snowball alone stems "Kurse" to "kurs" but "Kurs" to "kur"; a second pass
// joins them. Snowball does not know the s-plural of loanwords ("Kitas", "Babys"), so it is cut first.
func Stem(word string) string {
	word = cutLoanPlural(word)
	for range 3 {
		env := snowballstem.NewEnv(word)
		german.Stem(env)
		s := env.Current()
		if s == word {
			break
		}
		word = s
	}
	return word
}

func cutLoanPlural(w string) string {
	n := len(w)
	if n >= 5 && w[n-1] == 's' && strings.IndexByte("aioy", w[n-2]) >= 0 {
		return w[:n-1]
	}
	return w
}

// IsStopWord reports whether a folded word is a stop word.
func IsStopWord(word string) bool { return stopWords[word] }

// stopWords is the Snowball German stop list, folded like the text. It is read-only.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(stopList) {
		m[Fold(w)] = true
	}
	return m
}()

const stopList = `aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm
andern anderr anders auch auf aus bei bin bis bist da damit dann der den des dem die das dass daß derselbe derselben
denselben desselben demselben dieselbe dieselben dasselbe dazu dein deine deinem deinen deiner deines denn derer
dessen dich dir du dies diese diesem diesen dieser dieses doch dort durch ein eine einem einen einer eines einig
einige einigem einigen einiger einiges einmal er ihn ihm es etwas euer eure eurem euren eurer eures für gegen
gewesen hab habe haben hat hatte hatten hier hin hinter ich mich mir ihr ihre ihrem ihren ihrer ihres euch im in
indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner
keines können könnte machen man manche manchem manchen mancher manches mein meine meinem meinen meiner meines mit
muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie
ihnen sind so solche solchem solchen solcher solches soll sollte sondern sonst über um und uns unsere unserem unseren
unser unseres unter viel vom von vor während war waren warst was weg weil weiter welche welchem welchen welcher
welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen`
