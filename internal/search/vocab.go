package search

import (
	"slices"
	"sort"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/kette-org/kette/internal/search/german"
)

// posting is where a term occurs: in titles, in bodies, and its frequency where it is above one (most words
// occur once in a short text, so a list of the exceptions is far smaller than a count per posting).
type posting struct {
	title, body *roaring.Bitmap
	// tf are, for the title [0] and the body [1], the documents where the term occurs more than once in
	// that field, sorted by document id, so that scoring walks a field's list alongside the hits in order
	// instead of looking each hit up, and meets only the exceptions of its own field.
	tf [2][]termFreq
	// df is the number of documents with the term in title or body (|title ∪ body|), kept by indexText and
	// clear, so that a query need not count it from the bitmaps for every term it matches.
	df int
	// The largest count and the shortest field length among the documents with the term in the title [0]
	// and the body [1]: the highest BM25 it can add, for pruning. Removals leave them as they are, which
	// keeps them bounds.
	maxTF  [2]uint8
	minLen [2]uint16
}

// termFreq is how often a term occurs in a field of a document.
type termFreq struct {
	doc uint32
	n   uint8
}

// findTF is the position of doc in tf, or where it would go.
func findTF(tf []termFreq, doc uint32) (int, bool) {
	i := sort.Search(len(tf), func(i int) bool { return tf[i].doc >= doc })
	return i, i < len(tf) && tf[i].doc == doc
}

// setTF records that the term occurs n (> 1) times in the title (field 0) or body (1) of doc.
func (p *posting) setTF(field int, doc uint32, n uint8) {
	i, ok := findTF(p.tf[field], doc)
	if ok {
		p.tf[field][i].n = n
		return
	}
	p.tf[field] = slices.Insert(p.tf[field], i, termFreq{doc, n})
}

func (p *posting) dropTF(doc uint32) {
	for f := range p.tf {
		if i, ok := findTF(p.tf[f], doc); ok {
			p.tf[f] = slices.Delete(p.tf[f], i, i+1)
		}
	}
}

func (p *posting) counts(d uint32) (title, body int) {
	return fieldCount(p.title, p.tf[0], d), fieldCount(p.body, p.tf[1], d)
}

// fieldCount is how often the term occurs in one field of document d: docs are the documents with it there,
// tf the exceptions.
func fieldCount(docs *roaring.Bitmap, tf []termFreq, d uint32) int {
	if i, ok := findTF(tf, d); ok {
		return int(tf[i].n)
	}
	if docs.Contains(d) {
		return 1
	}
	return 0
}

// vocabulary is the index's own dictionary of stems. It answers the two questions that need to know which
// words exist: which indexed words end in a query word (compounds) and which are within a few edits (typos).
type vocabulary struct {
	surface  map[string]uint32 // folded words as written → id of their stem; also the stemmer's cache
	ids      map[string]uint32
	terms    []string
	postings []*posting
	bk       bkTree
	reversed []revTerm // terms spelled backwards, sorted: the compounds ending in a word are one range
	stale    bool      // reversed misses terms added since it was sorted
}

type revTerm struct {
	rev string
	id  uint32
}

func newVocabulary() *vocabulary {
	return &vocabulary{ids: map[string]uint32{}, surface: map[string]uint32{}}
}

// word returns the stem id of a folded word, adding both when new. The BK-tree holds the words as written,
// not their stems: a typo in an ending changes the stem more than the word ("erzihungsberatug" is two edits
// from "erziehungsberatung" but three from its stem "erziehungsberat").
func (v *vocabulary) word(w string) uint32 {
	if id, ok := v.surface[w]; ok {
		return id
	}
	id := v.id(german.Stem(w))
	v.surface[w] = id
	v.bk.add(w, id)
	return id
}

// id returns the id of a stem, adding it when new.
func (v *vocabulary) id(term string) uint32 {
	if id, ok := v.ids[term]; ok {
		return id
	}
	id := uint32(len(v.terms))
	v.ids[term] = id
	v.terms = append(v.terms, term)
	v.postings = append(v.postings, &posting{title: roaring.New(), body: roaring.New()})
	v.stale = true
	return id
}

// sortReversed brings the compound lookup up to date; call it after adding terms, under the write lock.
func (v *vocabulary) sortReversed() {
	if !v.stale {
		return
	}
	v.reversed = v.reversed[:0]
	for id, t := range v.terms {
		v.reversed = append(v.reversed, revTerm{reverse(t), uint32(id)})
	}
	sort.Slice(v.reversed, func(i, j int) bool { return v.reversed[i].rev < v.reversed[j].rev })
	v.stale = false
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// Compound parts shorter than these are too likely to be chance endings ("ei", "tag") to count.
const (
	minHead     = 4 // the query word, the compound's last part
	minModifier = 3 // what comes before it
	maxExpand   = 200
)

// compounds returns the terms that end in stem and are longer by at least minModifier letters: German
// compounds put the head last, so "erziehungsberatung" is a kind of "beratung" and "familienhebamm" a kind
// of "hebamm".
func (v *vocabulary) compounds(stem string) []uint32 {
	if len([]rune(stem)) < minHead {
		return nil
	}
	rs := reverse(stem)
	i := sort.Search(len(v.reversed), func(i int) bool { return v.reversed[i].rev >= rs })
	var out []uint32
	for ; i < len(v.reversed) && strings.HasPrefix(v.reversed[i].rev, rs) && len(out) < maxExpand; i++ {
		if len([]rune(v.reversed[i].rev))-len([]rune(rs)) >= minModifier {
			out = append(out, v.reversed[i].id)
		}
	}
	return out
}

// bkTree is a Burkhard–Keller tree over the indexed words for typo lookup by Levenshtein distance. It is written here
// because it is 60 lines, must accept new words while the index runs (an edit adds a word), and the Go
// libraries that do fuzzy lookup either build an immutable automaton/FST that would have to be rebuilt on
// every new word (blevesearch/vellum) or are unmaintained single-file packages.
type bkTree struct{ root *bkNode }

type bkNode struct {
	term     string
	id       uint32
	children map[int]*bkNode
}

func (t *bkTree) add(term string, id uint32) {
	if t.root == nil {
		t.root = &bkNode{term: term, id: id}
		return
	}
	n := t.root
	for {
		d := levenshtein(term, n.term, 1<<30)
		if d == 0 {
			return
		}
		c, ok := n.children[d]
		if !ok {
			if n.children == nil {
				n.children = map[int]*bkNode{}
			}
			n.children[d] = &bkNode{term: term, id: id}
			return
		}
		n = c
	}
}

// within returns the ids of the terms at most k edits from term, and their distances.
func (t *bkTree) within(term string, k int) (ids []uint32, dists []int) {
	if t.root == nil {
		return nil, nil
	}
	stack := []*bkNode{t.root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		d := levenshtein(term, n.term, 1<<30)
		if d <= k {
			ids, dists = append(ids, n.id), append(dists, d)
		}
		for cd, c := range n.children {
			if cd >= d-k && cd <= d+k {
				stack = append(stack, c)
			}
		}
	}
	return ids, dists
}

// levenshtein is the edit distance of a and b (runes), or a value above limit once it must exceed it.
func levenshtein(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// typoEdits is how many edits a query word of n letters may have: none below 4, one up to 7, two from 8.
func typoEdits(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	default:
		return 0
	}
}
