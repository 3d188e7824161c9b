package indicator

import (
	"math"
	"testing"

	"github.com/google/uuid"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-4 }

// Three Sozialräume, two indicators, computed by hand:
//
//	SGB-II-Quote u15:   A 10, B 20, C 30 → mean 20, sd √((100+0+100)/3) = 8,16497 → z −1,22474, 0, +1,22474
//	Sprachförderbedarf: A 30, B 10, C 20 → mean 20, sd 8,16497              → z +1,22474, −1,22474, 0
//	index = 0,5 z1 + 0,5 z2:                A 0, B −0,61237, C +0,61237
func TestNeedIndexByHand(t *testing.T) {
	cat := Catalogue()
	sgb, _ := Lookup(cat, "sgb2_u15")
	sprache, _ := Lookup(cat, "seu_sprachfoerderung")
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	res, err := ComputeNeedIndex([]uuid.UUID{a, b, c}, []Weight{{sgb, 1}, {sprache, 1}}, []AreaValues{
		{a: 10, b: 20, c: 30},
		{a: 30, b: 10, c: 20},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Formula != "Bedarfsindex = 0,5 × z(SGB-II-Quote u15) + 0,5 × z(Sprachförderbedarf)" {
		t.Fatalf("formula %q", res.Formula)
	}
	if !near(res.Means[0], 20) || !near(res.SDs[0], 8.16497) || !near(res.SDs[1], 8.16497) {
		t.Fatalf("means %v sds %v", res.Means, res.SDs)
	}
	want := []struct {
		z1, z2, index float64
	}{{-1.22474, 1.22474, 0}, {0, -1.22474, -0.61237}, {1.22474, 0, 0.61237}}
	for i, w := range want {
		got := res.Areas[i]
		if !got.HasIndex || got.Incomplete || !near(got.Components[0].Z, w.z1) || !near(got.Components[1].Z, w.z2) || !near(got.Index, w.index) {
			t.Errorf("area %d: %+v, want z %v %v index %v", i, got, w.z1, w.z2, w.index)
		}
	}
	ranked := RankNeed(res)
	if ranked[0].AreaID != c || ranked[1].AreaID != a || ranked[2].AreaID != b {
		t.Fatalf("ranking: %v", ranked)
	}
}

// A higher-is-better indicator enters with its sign turned, and an Area without one of the values gets the
// index of the components it has:
//
//	Betreuungsquote u3: A 40, B 20, C – → mean 30, sd 10 → z +1, −1 → turned −1, +1
//	A: 0,5 × (−1,22474) + 0,5 × (−1) = −1,11237;  B: 0,5 × 0 + 0,5 × 1 = 0,5;  C: only SGB II: 1,22474 (incomplete)
func TestNeedIndexPolarityAndMissingValues(t *testing.T) {
	cat := Catalogue()
	sgb, _ := Lookup(cat, "sgb2_u15")
	betreuung, _ := Lookup(cat, "betreuung_u3")
	a, b, c, d := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	res, err := ComputeNeedIndex([]uuid.UUID{a, b, c, d}, []Weight{{sgb, 2}, {betreuung, 2}}, []AreaValues{
		{a: 10, b: 20, c: 30},
		{a: 40, b: 20},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Formula != "Bedarfsindex = 0,5 × z(SGB-II-Quote u15) + 0,5 × (−z(Betreuungsquote u3))" {
		t.Fatalf("formula %q", res.Formula)
	}
	if got := res.Areas[0]; !near(got.Components[1].Z, -1) || !near(got.Index, -1.11237) {
		t.Errorf("A: %+v", got)
	}
	if got := res.Areas[1]; !near(got.Index, 0.5) {
		t.Errorf("B: %+v", got)
	}
	if got := res.Areas[2]; !got.Incomplete || len(got.Missing) != 1 || got.Missing[0] != "betreuung_u3" || !near(got.Index, 1.22474) ||
		!near(got.Components[0].Points, 1.22474) {
		t.Errorf("C: %+v", got)
	}
	if got := res.Areas[3]; got.HasIndex {
		t.Errorf("D has no value and must have no index: %+v", got)
	}
	if len(RankNeed(res)) != 3 {
		t.Error("an Area without index is ranked")
	}
}

func TestNeedIndexRefusesBadWeights(t *testing.T) {
	sgb, _ := Lookup(Catalogue(), "sgb2_u15")
	if _, err := ComputeNeedIndex(nil, []Weight{{sgb, 0}}, []AreaValues{{}}); err == nil {
		t.Fatal("a weight of 0 was accepted")
	}
	if _, err := ComputeNeedIndex(nil, []Weight{{sgb, 1}, {sgb, 1}}, []AreaValues{{}, {}}); err == nil {
		t.Fatal("an indicator twice was accepted")
	}
}
